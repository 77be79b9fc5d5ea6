/**
 * What the crawler remembers of each page between runs, so unchanged pages are skipped:
 * the validators the server gave (ETag, Last-Modified) and the hash of the extracted content.
 */
export interface PageState {
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly contentSha256: string | null;
  readonly fetchedAt: string;
}

export interface CrawlStateStore {
  get(url: string): Promise<PageState | null>;
  put(url: string, state: PageState): Promise<void>;
}

/** In-memory state: for tests and one-off crawls. */
export class MemoryCrawlState implements CrawlStateStore {
  readonly #pages = new Map<string, PageState>();
  async get(url: string): Promise<PageState | null> {
    return this.#pages.get(url) ?? null;
  }
  async put(url: string, state: PageState): Promise<void> {
    this.#pages.set(url, state);
  }
}
