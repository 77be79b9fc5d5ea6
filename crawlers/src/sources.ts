import { readFileSync } from 'node:fs';
import { PlatformSchema } from '@kc/pipeline/domain';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { SourceConfigError } from './errors.js';

export const SOURCE_KINDS = ['rss', 'sitemap', 'listing', 'social_page', 'tip'] as const;

const SelectorsSchema = z
  .object({
    /** Listing pages: links to articles. */
    articleLinks: z.string().min(1).optional(),
    /** Listing pages: the link to the next page. */
    nextPage: z.string().min(1).optional(),
    /** Article pages: the main text, when the automatic extraction picks the wrong block. */
    body: z.string().min(1).optional(),
    title: z.string().min(1).optional(),
    /** Social pages: which platform's page shape to read (default: the source's platform). */
    socialShape: z.enum(['facebook', 'zalo', 'youtube', 'generic']).optional(),
  })
  .strict();

export const SourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'id: lower-case letters, digits and dashes, 2–63 characters'),
    kind: z.enum(SOURCE_KINDS),
    url: z.url({ protocol: /^https?$/, error: 'url: an http or https address' }),
    platform: PlatformSchema,
    /** Province or district the source mostly covers, for reports. */
    region: z.string().min(1).nullable().default(null),
    /** How often to crawl: "every 30m", "every 2h" or "daily". */
    schedule: z
      .string()
      .regex(/^(every \d+(m|h)|hourly|daily)$/, 'schedule: "every 30m", "every 2h", "hourly" or "daily"')
      .default('every 1h'),
    limits: z
      .object({
        maxPages: z.number().int().positive().max(10_000).default(50),
        maxPosts: z.number().int().positive().max(10_000).default(100),
        /** Articles older than this are skipped. */
        maxAgeDays: z.number().int().positive().max(3650).default(30),
        /** Pause between requests to the same host, in seconds. */
        delaySeconds: z.number().min(0).max(600).default(1),
      })
      .strict()
      .default({ maxPages: 50, maxPosts: 100, maxAgeDays: 30, delaySeconds: 1 }),
    selectors: SelectorsSchema.optional(),
    /** Loopback and private addresses are refused unless a source allows them (the demo does). */
    allowPrivateNetwork: z.union([z.boolean(), z.literal('loopback')]).default(false),
  })
  .strict();
export type Source = z.infer<typeof SourceSchema>;

export const SourcesFileSchema = z.object({ sources: z.array(SourceSchema).min(1) }).strict();

/** Milliseconds between crawls of a source. */
export function scheduleMs(schedule: string): number {
  if (schedule === 'hourly') return 3_600_000;
  if (schedule === 'daily') return 86_400_000;
  const m = /^every (\d+)(m|h)$/.exec(schedule);
  if (!m) throw new TypeError(`bad schedule ${schedule}`);
  return Number(m[1]) * (m[2] === 'h' ? 3_600_000 : 60_000);
}

/** Reads and validates sources.yaml; the error names every bad field with its line. */
export function loadSources(file: string): Source[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SourceConfigError(`${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseSources(text, file);
}

export function parseSources(text: string, file = 'sources.yaml'): Source[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new SourceConfigError(`${file} is not valid YAML:\n${doc.errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    // What the parser lets through but cannot build: an alias to an anchor that is not there
    // ("*x"), an alias loop, too many aliases.
    throw new SourceConfigError(`${file} is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  const lineOf = (path: readonly PropertyKey[]): number | null => {
    // The deepest node of the path that exists in the document gives the line.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as
        | { range?: [number, number, number] }
        | undefined;
      const range =
        node?.range ?? (n === 0 ? (doc.contents as { range?: [number, number, number] } | null)?.range : undefined);
      if (range) return lineCounter.linePos(range[0]).line;
      if (n > 0) {
        const parent = doc.getIn(path.slice(0, n - 1) as (string | number)[], true);
        if (isMap(parent) || isSeq(parent)) {
          const r = (parent as { range?: [number, number, number] }).range;
          if (r) return lineCounter.linePos(r[0]).line;
        }
      }
    }
    return null;
  };
  const result = SourcesFileSchema.safeParse(raw);
  const lines: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const line = lineOf(issue.path);
      lines.push(`  line ${line ?? '?'}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
    }
  }
  const list = (raw as { sources?: unknown } | null)?.sources;
  if (Array.isArray(list)) {
    const seen = new Set<unknown>();
    list.forEach((s: { id?: unknown } | null, i) => {
      if (typeof s?.id !== 'string') return;
      if (seen.has(s.id))
        lines.push(`  line ${lineOf(['sources', i, 'id']) ?? '?'}: sources.${i}.id: duplicate source id ${s.id}`);
      seen.add(s.id);
    });
  }
  if (!result.success || lines.length > 0) throw new SourceConfigError(`${file} is invalid:\n${lines.join('\n')}`);
  return result.data.sources;
}
