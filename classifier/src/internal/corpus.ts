/** The labelled corpus kept in the repository (data/corpus/*.jsonl) and its fixed train/test split. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ClaimKindSchema } from '../schema.js';

export const CORPUS_DIR = fileURLToPath(new URL('../../data/corpus/', import.meta.url));

export const CorpusEntrySchema = z.object({
  id: z.string().min(1),
  text: z.string().min(1),
  label: z.union([z.literal(0), z.literal(1)]),
  kind: z.string().min(1),
});
export type CorpusEntry = z.infer<typeof CorpusEntrySchema> & { readonly split: 'train' | 'test' };

/** Share of the corpus held out for evaluation. */
export const TEST_SHARE = 0.3;

/** A post's split depends only on its id, so adding posts never moves the others. */
export function splitOf(id: string): 'train' | 'test' {
  const h = createHash('sha256').update(id).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < TEST_SHARE ? 'test' : 'train';
}

export function loadCorpus(dir = CORPUS_DIR): { entries: CorpusEntry[]; sha256: string } {
  const hash = createHash('sha256');
  const entries: CorpusEntry[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    const content = readFileSync(join(dir, file), 'utf8');
    hash.update(content);
    content.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const parsed = CorpusEntrySchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
      if (parsed.data.label === 1) ClaimKindSchema.parse(parsed.data.kind);
      entries.push({ ...parsed.data, split: splitOf(parsed.data.id) });
    });
  }
  return { entries, sha256: hash.digest('hex') };
}
