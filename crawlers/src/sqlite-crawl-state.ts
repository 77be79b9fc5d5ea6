import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CrawlStateStore, PageState } from './internal/crawl-state.js';

/** Crawl state in a SQLite file of the data directory, so re-crawls after a restart stay incremental. */
export class SqliteCrawlState implements CrawlStateStore {
  readonly #db: Database.Database;
  readonly #get: Database.Statement;
  readonly #put: Database.Statement;

  static create(options: { file: string }): SqliteCrawlState {
    if (!options.file) throw new TypeError('SqliteCrawlState needs a file');
    mkdirSync(dirname(options.file), { recursive: true });
    return new SqliteCrawlState(new Database(options.file));
  }

  private constructor(db: Database.Database) {
    this.#db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE IF NOT EXISTS crawl_pages (
      url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, content_sha256 TEXT, fetched_at TEXT NOT NULL)`);
    this.#get = db.prepare('SELECT etag, last_modified, content_sha256, fetched_at FROM crawl_pages WHERE url = ?');
    this.#put = db.prepare(
      `INSERT INTO crawl_pages (url, etag, last_modified, content_sha256, fetched_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
         content_sha256 = excluded.content_sha256, fetched_at = excluded.fetched_at`,
    );
  }

  async get(url: string): Promise<PageState | null> {
    const r = this.#get.get(url) as
      | { etag: string | null; last_modified: string | null; content_sha256: string | null; fetched_at: string }
      | undefined;
    return r
      ? { etag: r.etag, lastModified: r.last_modified, contentSha256: r.content_sha256, fetchedAt: r.fetched_at }
      : null;
  }

  async put(url: string, s: PageState): Promise<void> {
    this.#put.run(url, s.etag, s.lastModified, s.contentSha256, s.fetchedAt);
  }

  close(): void {
    this.#db.close();
  }
}
