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

export const SourcesFileSchema = z.object({ sources: z.array(SourceSchema).min(1) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.sources.forEach((s, i) => {
    if (seen.has(s.id))
      ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id ${s.id}` });
    seen.add(s.id);
  });
});

/** Reads and validates sources.yaml; the error names every bad field. */
export function loadSources(file: string): Source[] {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SourceConfigError(`${file}: ${(err as Error).message}`, { cause: err });
  }
  const result = SourcesFileSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new SourceConfigError(`${file} is invalid:\n${lines.join('\n')}`);
  }
  return result.data.sources;
}
