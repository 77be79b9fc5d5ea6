import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Longest post text accepted, in UTF-16 code units; longer posts go to dead letters. */
export const MAX_POST_TEXT = 200_000;

export const PLATFORMS = ['web', 'facebook', 'zalo', 'youtube', 'tiktok', 'forum', 'tip'] as const;
export const PlatformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof PlatformSchema>;

export const PostAuthorSchema = z.object({
  handle: z.string().min(1).max(200),
  name: z.string().max(300).nullable(),
  profileUrl: z.url().max(2000).nullable(),
});
export type PostAuthor = z.infer<typeof PostAuthorSchema>;

export const EvidenceRefSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  kind: z.enum(['html', 'screenshot']),
  url: z.url().max(2000),
  capturedAt: z.iso.datetime({ offset: true }),
  bytes: z.number().int().nonnegative(),
});
export type EvidenceRef = z.infer<typeof EvidenceRefSchema>;

export const PostMetricsSchema = z.object({
  reactions: z.number().int().nonnegative(),
  comments: z.number().int().nonnegative(),
  shares: z.number().int().nonnegative(),
});

/** A public post or article as the crawlers deliver it on the bus (topic posts.raw). */
export const PostSchema = z.object({
  id: z.string().regex(/^p_[0-9a-f]{32}$/, 'post id must be p_ followed by 32 hex digits (see postId())'),
  platform: PlatformSchema,
  sourceId: z.string().min(1).max(100),
  url: z.url().max(2000),
  platformPostId: z.string().max(200).nullable(),
  title: z.string().max(2000).nullable(),
  text: z.string().max(MAX_POST_TEXT, `post text longer than ${MAX_POST_TEXT} characters`),
  author: PostAuthorSchema.nullable(),
  publishedAt: z.iso.datetime({ offset: true }).nullable(),
  fetchedAt: z.iso.datetime({ offset: true }),
  region: z.string().max(200).nullable(),
  metrics: PostMetricsSchema.nullable(),
  evidence: z.array(EvidenceRefSchema).max(20),
  tags: z.array(z.string().max(50)).max(20),
  /** What the citizen wrote with a tip (posts that came in as tips only). */
  tipNote: z.string().max(2000).nullable().default(null),
});
export type Post = z.infer<typeof PostSchema>;

/**
 * The post id derives from content so that redelivery and re-crawls never make duplicates:
 * the platform's own post id when it has one, else the canonical URL.
 */
export function postId(platform: Platform, key: { platformPostId?: string | null; url: string }): string {
  const basis = key.platformPostId ? `id:${key.platformPostId}` : `url:${canonicalUrl(key.url)}`;
  return `p_${createHash('sha256').update(`${platform}\n${basis}`).digest('hex').slice(0, 32)}`;
}

/** Lower-cased host, no fragment, no tracking parameters, sorted query, no trailing slash. */
export function canonicalUrl(raw: string): string {
  const url = new URL(raw);
  url.hash = '';
  url.hostname = url.hostname.toLowerCase();
  for (const key of [...url.searchParams.keys()]) {
    if (/^(utm_|fbclid$|gclid$|zarsrc$|ref$)/i.test(key)) url.searchParams.delete(key);
  }
  url.searchParams.sort();
  if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.slice(0, -1);
  return url.toString();
}
