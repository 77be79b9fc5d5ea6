import { log as crawleeLog } from '@crawlee/core';
import type { EvidenceStore, Logger, Post } from '@kc/pipeline';

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
}

export interface CrawlResult {
  readonly sourceId: string;
  readonly pages: number;
  readonly posts: number;
  readonly errors: number;
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

  constructor(publish: CrawlerContext['publish'], size = 25) {
    this.#publish = publish;
    this.#size = size;
  }

  async add(post: Post): Promise<void> {
    this.#items.push(post);
    if (this.#items.length >= this.#size) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#items.length === 0) return;
    const items = this.#items;
    this.#items = [];
    await this.#publish(items);
    this.published += items.length;
  }
}

/** crawlee logs every request at INFO; crawls log their own summary instead unless verbose. */
export function setCrawleeLogLevel(verbose: boolean | undefined): void {
  crawleeLog.setLevel(verbose ? crawleeLog.LEVELS.INFO : crawleeLog.LEVELS.WARNING);
}
