import type { Classifier } from '@kc/classifier';
import { z } from 'zod';
import { type Post, PostSchema, reachOf } from './domain/index.js';
import type { Bus, BusRecord, CaseStore, Consumer, IndexedPost, PostIndex } from './ports.js';
import { TOPICS } from './ports.js';

/** The smallest logger the pipeline needs; pino satisfies it. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface StreamProcessorContext {
  readonly bus: Bus;
  readonly index: PostIndex;
  readonly cases: CaseStore;
  readonly classifier: Classifier;
  readonly log: Logger;
}

export interface StreamProcessorOptions {
  readonly group?: string;
  readonly maxBatch?: number;
}

export interface StreamProcessorStats {
  processed: number;
  flagged: number;
  deadLettered: number;
  casesOpened: number;
  postsAttached: number;
  batches: number;
  /** Batches an engine failed (they are retried). */
  failedBatches: number;
  /** Flagged posts per claim kind ("unknown" when the classifier named none). */
  flaggedByKind: Record<string, number>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Consumes posts.raw: validate → classify → index → open or update cases. A message that can
 * never be processed goes to posts.dead with the reason; an engine failure fails the batch,
 * which the bus redelivers (every write is idempotent by post id).
 */
export class StreamProcessor {
  readonly stats: StreamProcessorStats = {
    processed: 0,
    flagged: 0,
    deadLettered: 0,
    casesOpened: 0,
    postsAttached: 0,
    batches: 0,
    failedBatches: 0,
    flaggedByKind: {},
  };
  readonly #ctx: StreamProcessorContext;
  #consumer: Consumer | null = null;

  constructor(ctx: StreamProcessorContext) {
    for (const key of ['bus', 'index', 'cases', 'classifier', 'log'] as const) {
      if (!ctx[key]) throw new TypeError(`StreamProcessor needs ${key}`);
    }
    this.#ctx = ctx;
  }

  async start(options: StreamProcessorOptions = {}): Promise<void> {
    if (this.#consumer) throw new Error('StreamProcessor already started');
    this.#consumer = await this.#ctx.bus.consume({
      group: options.group ?? 'pipeline',
      topic: TOPICS.postsRaw,
      maxBatch: options.maxBatch ?? 500,
      handler: (batch) => this.handleBatch(batch),
      onError: (err) => {
        this.stats.failedBatches++;
        this.#ctx.log.error({ err }, 'pipeline batch failed; it will be retried');
      },
    });
  }

  async stop(): Promise<void> {
    await this.#consumer?.stop();
    this.#consumer = null;
  }

  /** Processes one batch; throws only when an engine fails (the batch is then redelivered). */
  async handleBatch(batch: readonly BusRecord[]): Promise<void> {
    const { bus, index, cases, classifier, log } = this.#ctx;
    const dead: { key: string; value: string }[] = [];
    const good: IndexedPost[] = [];
    const indexedAt = new Date().toISOString();
    for (const record of batch) {
      const parsed = decodePost(record);
      if (!parsed.ok) {
        dead.push({ key: record.key, value: deadLetterValue(record, parsed.reason) });
        log.warn({ topic: record.topic, offset: record.offset, reason: parsed.reason }, 'message sent to dead letters');
        continue;
      }
      const post = parsed.post;
      // The classifier folds the text; the index stores it folded and need not fold it again.
      const { classification, folded } = classifier.classifyAndFold(
        post.title ? `${post.title}\n${post.text}` : post.text,
      );
      good.push({ post, classification, indexedAt, foldedText: folded.join(' ') });
    }
    if (dead.length > 0) await bus.publish(TOPICS.postsDead, dead);
    // Each post with its own classification (a post may come twice in a batch, edited between).
    const flaggedPosts = good.filter((g) => g.classification.flagged);
    // The index and the case store are separate engines: both writes go at once. The batch is
    // committed on the bus only when both are done, and a redelivered batch changes nothing.
    const [, results] = await Promise.all([
      good.length > 0 ? index.upsert(good) : undefined,
      flaggedPosts.length > 0
        ? cases.recordFlaggedPosts(
            flaggedPosts.map(({ post, classification }) => ({
              postId: post.id,
              title: post.title ?? '',
              text: post.text,
              classification,
              author: post.author,
              at: post.fetchedAt,
              reach: reachOf(post.metrics),
              platform: post.platform,
              region: post.region,
            })),
          )
        : [],
    ]);
    let opened = 0;
    let attached = 0;
    const evidence: { key: string; value: string }[] = [];
    flaggedPosts.forEach(({ post, classification }, i) => {
      const result = results[i]!;
      const kind = classification.claimType ?? 'unknown';
      this.stats.flaggedByKind[kind] = (this.stats.flaggedByKind[kind] ?? 0) + 1;
      if (result.created) opened++;
      else if (result.attached) attached++;
      if (!post.evidence.some((e) => e.kind === 'screenshot')) {
        evidence.push({
          key: post.id,
          value: JSON.stringify({
            postId: post.id,
            caseId: result.caseId,
            url: post.url,
            sourceId: post.sourceId,
            force: false,
          }),
        });
      }
      log.info({ postId: post.id, caseId: result.caseId, created: result.created }, 'flagged post recorded');
    });
    const flagged = flaggedPosts.length;
    // A flagged post without a screenshot gets one: the evidence worker captures the page.
    if (evidence.length > 0) await bus.publish(TOPICS.evidenceRequests, evidence);
    this.stats.processed += good.length;
    this.stats.deadLettered += dead.length;
    this.stats.flagged += flagged;
    this.stats.casesOpened += opened;
    this.stats.postsAttached += attached;
    this.stats.batches++;
  }
}

type Decoded = { ok: true; post: Post } | { ok: false; reason: string };

function decodePost(record: BusRecord): Decoded {
  let text: string;
  try {
    text = utf8.decode(record.value);
  } catch {
    return { ok: false, reason: 'invalid UTF-8 in message value' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
  }
  const result = PostSchema.safeParse(json);
  if (!result.success)
    return { ok: false, reason: `not a post: ${z.prettifyError(result.error).replace(/\n/g, '; ')}` };
  return { ok: true, post: result.data };
}

function deadLetterValue(record: BusRecord, reason: string): string {
  return JSON.stringify({
    reason,
    topic: record.topic,
    offset: record.offset,
    key: record.key,
    at: new Date().toISOString(),
    valueBase64: Buffer.from(record.value).toString('base64'),
  });
}
