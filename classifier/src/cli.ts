/**
 * `npm run -s classify -- FILE.jsonl`: reads lines {"id","text"} (FILE or "-" for stdin) and
 * prints one JSON line per input on stdout. Bad lines are reported on stderr with their line
 * number and skipped; the exit code is 1 if any line was bad, 2 on a usage error.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { Classifier } from './classify.js';

const InputLine = z.object({ id: z.union([z.string(), z.number()]), text: z.string() });

async function main(argv: string[]): Promise<number> {
  const file = argv[0];
  if (!file || argv.includes('--help') || argv.includes('-h')) {
    process.stderr.write('Cách dùng: npm run -s classify -- TỆP.jsonl   (mỗi dòng {"id","text"}; "-" để đọc stdin)\n');
    return file ? 0 : 2;
  }
  const input = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const classifier = new Classifier();
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let bad = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      let parsed: z.infer<typeof InputLine>;
      try {
        parsed = InputLine.parse(JSON.parse(line));
      } catch (err) {
        bad++;
        const why = err instanceof z.ZodError ? z.prettifyError(err).replace(/\n/g, '; ') : (err as Error).message;
        process.stderr.write(`dòng ${lineNo}: bỏ qua, ${why}\n`);
        continue;
      }
      const c = classifier.classify(parsed.text);
      const out = {
        id: parsed.id,
        covid: c.covid,
        flagged: c.flagged,
        score: c.score,
        claimType: c.claimType,
        knownClaimIds: c.knownClaimIds,
        reasons: c.reasons.map((r) => ({ rule: r.rule, message: r.message, phrases: r.phrases })),
      };
      if (!process.stdout.write(`${JSON.stringify(out)}\n`)) {
        await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    }
  } catch (err) {
    process.stderr.write(`không đọc được ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  return bad > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
