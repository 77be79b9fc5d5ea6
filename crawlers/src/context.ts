import { log as crawleeLog } from '@crawlee/core';
import type { EvidenceStore, Logger, Post } from '@kc/pipeline';
import type { CrawlStateStore } from './internal/crawl-state.js';
import type { GuardedHttpClientOptions } from './internal/http-client.js';

export interface CrawlProgress {
  readonly sourceId: string;
  readonly pages: number;
  readonly posts: number;
  readonly errors: number;
  readonly skipped: number;
  readonly elapsedMs: number;
}

/** What a crawler needs from the process that runs it. */
export interface CrawlerContext {
  readonly evidence: EvidenceStore;
  /** Delivers posts to the bus; resolves once they are durably accepted. */
  readonly publish: (posts: readonly Post[]) => Promise<void>;
  readonly log: Logger;
  /** Chromium executable for social pages (Debian's /usr/bin/chromium). */
  readonly chromiumPath: string;
  /** Let crawlee log every request (debugging). */
  readonly verbose?: boolean;
  /** Remembers pages between runs so unchanged ones are skipped; in memory when absent. */
  readonly state?: CrawlStateStore;
  /** Limits of the HTTP client (timeouts, body size, redirects), for tests and tuning. */
  readonly http?: Partial<Pick<GuardedHttpClientOptions, 'maxBytes' | 'maxRedirects' | 'timeoutMs' | 'bodyTimeoutMs'>>;
  /** Called as a crawl goes, for a progress line and metrics. */
  readonly onProgress?: (progress: CrawlProgress) => void;
}

export interface CrawlResult {
  readonly sourceId: string;
  readonly pages: number;
  readonly posts: number;
  readonly errors: number;
  /** Pages skipped: unchanged, too old, or disallowed by robots.txt. */
  readonly skipped: number;
  readonly durationMs: number;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Buffers posts and hands them to `publish` in batches, so a long crawl delivers as it goes. */
export class PostBuffer {
  readonly #publish: CrawlerContext['publish'];
  readonly #size: number;
  #items: Post[] = [];
  published = 0;

  get pending(): number {
    return this.#items.length;
  }

  constructor(publish: CrawlerContext['publish'], size = 25) {
    this.#publish = publish;
    this.#size = size;
  }

  readonly #after: (() => Promise<void>)[] = [];

  /** Queues a post; `afterPublish` runs once the post is durably on the bus (e.g. crawl state). */
  async add(post: Post, afterPublish?: () => Promise<void>): Promise<void> {
    this.#items.push(post);
    if (afterPublish) this.#after.push(afterPublish);
    if (this.#items.length >= this.#size) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#items.length === 0) return;
    const items = this.#items;
    const after = this.#after.splice(0);
    this.#items = [];
    await this.#publish(items);
    this.published += items.length;
    for (const fn of after) await fn();
  }
}

/**
 * crawlee logs every request and every failure itself; the crawlers log each failure once with
 * its reason (and a summary per source), so crawlee stays quiet unless asked to be verbose.
 */
export function setCrawleeLogLevel(verbose: boolean | undefined): void {
  crawleeLog.setLevel(verbose ? crawleeLog.LEVELS.INFO : crawleeLog.LEVELS.OFF);
}
