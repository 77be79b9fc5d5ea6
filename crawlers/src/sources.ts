import { readFileSync } from 'node:fs';
import { PlatformSchema } from '@kc/pipeline/domain';
import { parse } from 'yaml';
import { z } from 'zod';
import { SourceConfigError } from './errors.js';

export const SOURCE_KINDS = ['rss', 'social_page'] as const;

export const SourceSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'id: lower-case letters, digits and dashes'),
  kind: z.enum(SOURCE_KINDS),
  url: z.url({ protocol: /^https?$/ }),
  platform: PlatformSchema,
  /** Province or district the source mostly covers, for reports. */
  region: z.string().min(1).nullable().default(null),
  limits: z
    .object({
      maxPages: z.number().int().positive().max(10_000).default(50),
      maxPosts: z.number().int().positive().max(10_000).default(100),
    })
    .default({ maxPages: 50, maxPosts: 100 }),
  /** Loopback and private addresses are refused unless a source allows them (the demo does). */
  allowPrivateNetwork: z.boolean().default(false),
});
export type Source = z.infer<typeof SourceSchema>;

export const SourcesFileSchema = z.object({ sources: z.array(SourceSchema).min(1) });

/** Duplicate ids, checked on the raw file so they are reported together with schema errors. */
function duplicateIds(raw: unknown): string[] {
  const list = (raw as { sources?: unknown } | null)?.sources;
  if (!Array.isArray(list)) return [];
  const seen = new Set<unknown>();
  const out: string[] = [];
  list.forEach((s: { id?: unknown } | null, i) => {
    if (typeof s?.id !== 'string') return;
    if (seen.has(s.id)) out.push(`  sources.${i}.id: duplicate source id ${s.id}`);
    seen.add(s.id);
  });
  return out;
}

/** Reads and validates sources.yaml; the error names every bad field. */
export function loadSources(file: string): Source[] {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SourceConfigError(`${file}: ${(err as Error).message}`, { cause: err });
  }
  const result = SourcesFileSchema.safeParse(raw);
  const lines = [
    ...(result.success ? [] : result.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`)),
    ...duplicateIds(raw),
  ];
  if (!result.success || lines.length > 0) throw new SourceConfigError(`${file} is invalid:\n${lines.join('\n')}`);
  return result.data.sources;
}
