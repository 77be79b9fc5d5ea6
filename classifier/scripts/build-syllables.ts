/**
 * Builds classifier/data/syllables.txt: the accented Vietnamese syllables seen in the seed
 * documents and the labelled corpus. The legacy-encoding repair uses it to tell real Vietnamese
 * from text that only looks accented. Run: npx tsx classifier/scripts/build-syllables.ts
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const texts: string[] = [];
const seeds = resolve(root, '../../shared/seeds');
if (existsSync(seeds)) for (const f of readdirSync(seeds)) texts.push(readFileSync(join(seeds, f), 'utf8'));
const corpus = join(root, 'data/corpus');
if (existsSync(corpus)) {
  for (const f of readdirSync(corpus).filter((n) => n.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(corpus, f), 'utf8').split('\n')) {
      if (line.trim()) texts.push((JSON.parse(line) as { text: string }).text);
    }
  }
}
const counts = new Map<string, number>();
for (const t of texts) {
  for (const tok of t
    .normalize('NFC')
    .toLowerCase()
    .match(/\p{L}+/gu) ?? []) {
    // Only syllables with a Vietnamese-specific letter or tone: plain ASCII tells nothing.
    if (!/[^a-z]/.test(tok) || tok.length > 7) continue;
    if (!/^[a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]+$/.test(tok)) continue;
    counts.set(tok, (counts.get(tok) ?? 0) + 1);
  }
}
const syllables = [...counts.entries()]
  .filter(([, n]) => n >= 1)
  .map(([s]) => s)
  .sort();
writeFileSync(join(root, 'data/syllables.txt'), `${syllables.join('\n')}\n`);
console.log(`${syllables.length} syllables from ${texts.length} texts`);
