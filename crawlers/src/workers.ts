import { createHash } from 'node:crypto';
import { cleanText } from '@kc/classifier';
import {
  type Bus,
  type CaseStore,
  type Consumer,
  type EvidenceStore,
  type Logger,
  type Post,
  type PostIndex,
  postId,
  StorageError,
  TOPICS,
} from '@kc/pipeline';
import { z } from 'zod';
import { CrawlSetupError } from './errors.js';
import type { EvidenceCapturer } from './evidence-capturer.js';
import { extractArticle } from './internal/extract-article.js';
import { GuardedHttpClient } from './internal/http-client.js';
import type { PrivateNetworkPolicy } from './internal/network-guard.js';

const RequestSchema = z.object({
  postId: z.string(),
  caseId: z.string(),
  url: z.url().optional(),
  sourceId: z.string().optional(),
  force: z.boolean().default(false),
});

export interface WorkerContext {
  readonly bus: Bus;
  readonly index: PostIndex;
  readonly cases: CaseStore;
  readonly log: Logger;
  /** How far a post's source lets us reach into private networks (demo web: loopback). */
  readonly policyFor: (sourceId: string) => PrivateNetworkPolicy;
}

function parse(value: Uint8Array, log: Logger) {
  try {
    return RequestSchema.parse(JSON.parse(Buffer.from(value).toString('utf8')));
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'malformed worker request skipped');
    return null;
  }
}

/**
 * Captures evidence (full-page screenshot and rendered HTML) for flagged posts and on demand.
 * Storage failures fail the batch so it is retried; a page that cannot be captured is logged.
 */
export async function startEvidenceWorker(ctx: WorkerContext & { capturer: EvidenceCapturer }): Promise<Consumer> {
  return ctx.bus.consume({
    group: 'evidence',
    topic: TOPICS.evidenceRequests,
    maxBatch: 5,
    onError: (err) => ctx.log.error({ err }, 'evidence batch failed; it will be retried'),
    handler: async (batch) => {
      for (const record of batch) {
        const req = parse(record.value, ctx.log);
        if (!req) continue;
        const [indexed] = await ctx.index.get([req.postId]);
        if (!indexed) continue;
        if (!req.force && indexed.post.evidence.some((e) => e.kind === 'screenshot')) continue;
        try {
          const result = await ctx.capturer.capture(indexed.post.url, ctx.policyFor(indexed.post.sourceId));
          if (result.evidence.length === 0) {
            await ctx.cases.note(req.caseId, 'system:evidence', 'evidence_unavailable', {
              postId: req.postId,
              status: result.status,
            });
            continue;
          }
          await ctx.index.addEvidence(req.postId, result.evidence);
          await ctx.cases.note(req.caseId, 'system:evidence', 'evidence_captured', {
            postId: req.postId,
            status: result.status,
            evidence: result.evidence.map((e) => ({ kind: e.kind, sha256: e.sha256 })),
          });
          ctx.log.info({ postId: req.postId, caseId: req.caseId }, 'evidence captured');
        } catch (err) {
          if (err instanceof StorageError) throw err;
          if (err instanceof CrawlSetupError)
            ctx.log.warn({ postId: req.postId, reason: err.message }, 'evidence not captured');
          else ctx.log.warn({ postId: req.postId, err: (err as Error).message }, 'evidence capture failed');
        }
      }
    },
  });
}

export type RecrawlOutcome = 'unchanged' | 'changed' | 'taken_down' | 'unreachable';

/**
 * Fetches a case's posts again to see whether they were corrected or taken down, records the
 * result on the case timeline, and settles open correction requests when every post is gone or changed.
 */
export async function startRecrawlWorker(ctx: WorkerContext & { timeoutMs?: number }): Promise<Consumer> {
  return ctx.bus.consume({
    group: 'recrawl',
    topic: TOPICS.recrawlRequests,
    maxBatch: 10,
    onError: (err) => ctx.log.error({ err }, 'recrawl batch failed; it will be retried'),
    handler: async (batch) => {
      for (const record of batch) {
        const req = parse(record.value, ctx.log);
        if (!req) continue;
        const [indexed] = await ctx.index.get([req.postId]);
        if (!indexed) continue;
        const outcome = await recrawlOutcome(
          indexed.post.url,
          indexed.post.text,
          ctx.policyFor(indexed.post.sourceId),
          ctx.timeoutMs,
        );
        await ctx.cases.note(req.caseId, 'system:recrawl', 'recrawl_checked', { postId: req.postId, ...outcome });
        if (outcome.outcome === 'taken_down' || outcome.outcome === 'changed') {
          const detail = await ctx.cases.get(req.caseId);
          const others = detail ? detail.postIds.filter((id) => id !== req.postId) : [];
          if (others.length === 0) {
            await ctx.cases.settleCorrections(
              req.caseId,
              outcome.outcome === 'taken_down' ? 'taken_down' : 'corrected',
              'system:recrawl',
            );
          }
        }
      }
    },
  });
}

/** Fetches the URL again and compares its text with what was captured. */
export async function recrawlOutcome(
  url: string,
  previousText: string,
  policy: PrivateNetworkPolicy,
  timeoutMs = 20_000,
): Promise<{ outcome: RecrawlOutcome; status: number; textSha256: string | null }> {
  const client = new GuardedHttpClient({ allowPrivateNetwork: policy, timeoutMs });
  try {
    const res = await client.sendRequest({ url, responseType: 'text' });
    if (res.statusCode === 404 || res.statusCode === 410)
      return { outcome: 'taken_down', status: res.statusCode, textSha256: null };
    if (res.statusCode >= 400) return { outcome: 'unreachable', status: res.statusCode, textSha256: null };
    const text = cleanText(extractArticle(String(res.body), url).text);
    const sha = createHash('sha256').update(text).digest('hex');
    const fold = (s: string) => cleanText(s).replace(/\s+/g, ' ').trim().toLowerCase();
    const page = fold(text || String(res.body));
    const outcome: RecrawlOutcome = page.includes(fold(previousText).slice(0, 200)) ? 'unchanged' : 'changed';
    return { outcome, status: res.statusCode, textSha256: sha };
  } catch {
    return { outcome: 'unreachable', status: 0, textSha256: null };
  }
}

const TipSchema = z.object({
  id: z.string(),
  url: z.url(),
  note: z.string().max(2000),
  receivedAt: z.string(),
});
export type Tip = z.infer<typeof TipSchema>;

/** The platform of a tipped URL, from its host. */
export function platformOfUrl(url: string): Post['platform'] {
  const host = new URL(url).hostname.replace(/^www\./, '');
  if (/(^|\.)(facebook\.com|fb\.com|fb\.watch)$/.test(host)) return 'facebook';
  if (/(^|\.)zalo\.me$/.test(host)) return 'zalo';
  if (/(^|\.)(youtube\.com|youtu\.be)$/.test(host)) return 'youtube';
  if (/(^|\.)tiktok\.com$/.test(host)) return 'tiktok';
  return 'web';
}

/**
 * Citizen tips: the tipped URL is captured in the browser like any flagged post (screenshot and
 * HTML), its text extracted, and the post enters the pipeline tagged "tip" with the citizen's note.
 */
export async function startTipWorker(
  ctx: Omit<WorkerContext, 'policyFor'> & {
    capturer: EvidenceCapturer;
    evidence: EvidenceStore;
    policy: PrivateNetworkPolicy;
    publish: (posts: readonly Post[]) => Promise<void>;
  },
): Promise<Consumer> {
  return ctx.bus.consume({
    group: 'tips',
    topic: TOPICS.tipsReceived,
    maxBatch: 5,
    onError: (err) => ctx.log.error({ err }, 'tip batch failed; it will be retried'),
    handler: async (batch) => {
      for (const record of batch) {
        let tip: Tip;
        try {
          tip = TipSchema.parse(JSON.parse(Buffer.from(record.value).toString('utf8')));
        } catch (err) {
          ctx.log.warn({ err: (err as Error).message }, 'malformed tip skipped');
          continue;
        }
        try {
          const captured = await ctx.capturer.capture(tip.url, ctx.policy);
          const htmlRef = captured.evidence.find((e) => e.kind === 'html');
          const blob = htmlRef ? await ctx.evidence.get(htmlRef.sha256) : null;
          const html = blob ? Buffer.from(blob.bytes).toString('utf8') : null;
          const article = html ? extractArticle(html, captured.finalUrl) : null;
          const platform = platformOfUrl(tip.url);
          const post: Post = {
            id: postId(platform, { url: tip.url }),
            platform,
            sourceId: 'tip',
            url: tip.url,
            platformPostId: null,
            title: article?.title ? cleanText(article.title) : null,
            text: cleanText(article?.text || '') || cleanText(tip.note),
            author: null,
            publishedAt: article?.publishedAt ?? null,
            fetchedAt: new Date().toISOString(),
            region: null,
            metrics: null,
            evidence: [...captured.evidence],
            tags: ['tip', `tip:${tip.id}`],
            tipNote: tip.note || null,
          };
          await ctx.publish([post]);
          ctx.log.info({ tipId: tip.id, postId: post.id, status: captured.status }, 'tip captured');
        } catch (err) {
          if (err instanceof StorageError) throw err;
          ctx.log.warn({ tipId: tip.id, err: (err as Error).message }, 'tip could not be captured');
        }
      }
    },
  });
}
