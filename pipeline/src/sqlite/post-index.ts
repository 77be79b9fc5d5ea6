import { ClassificationSchema, type EvidenceRef, PostSchema } from '../domain/index.js';
import { StorageError } from '../errors.js';
import { postFolded } from '../folding.js';
import type { IndexedPost, PostIndex, PostSearchQuery, PostStats } from '../ports.js';
import { fillDays } from '../stats.js';
import { type Db, migrate, openDb, type SqliteSchema, statementCache } from './db.js';
import { ftsQuery, likePrefix } from './fts.js';

const SCHEMA = [
  `CREATE TABLE posts (
     id TEXT PRIMARY KEY,
     doc TEXT NOT NULL,
     classification TEXT NOT NULL,
     flagged INTEGER NOT NULL,
     covid INTEGER NOT NULL,
     score REAL NOT NULL,
     fetched_at TEXT NOT NULL,
     indexed_at TEXT NOT NULL
   );
   CREATE INDEX posts_flagged ON posts (flagged, fetched_at);
   CREATE VIRTUAL TABLE posts_fts USING fts5(id UNINDEXED, folded, tokenize = 'unicode61 remove_diacritics 2');`,
  // 2: each post remembers its FTS row, so re-indexing a post deletes that row by rowid instead
  // of scanning the whole FTS table for its id (which made indexing quadratic).
  `ALTER TABLE posts ADD COLUMN fts_rowid INTEGER;
   CREATE TEMP TABLE fts_map AS SELECT id, rowid AS r FROM posts_fts;
   CREATE INDEX temp.fts_map_id ON fts_map (id);
   UPDATE posts SET fts_rowid = (SELECT MAX(r) FROM fts_map WHERE fts_map.id = posts.id);
   DELETE FROM posts_fts WHERE rowid NOT IN (SELECT fts_rowid FROM posts WHERE fts_rowid IS NOT NULL);
   DROP TABLE temp.fts_map;`,
  // 3: search filters (platform, region, claim kind) as columns, filled from the stored posts.
  `ALTER TABLE posts ADD COLUMN platform TEXT;
   ALTER TABLE posts ADD COLUMN region TEXT;
   ALTER TABLE posts ADD COLUMN claim_type TEXT;
   UPDATE posts SET platform = json_extract(doc, '$.platform'), region = json_extract(doc, '$.region'),
     claim_type = json_extract(classification, '$.claimType');
   CREATE INDEX posts_fetched ON posts (fetched_at);
   CREATE INDEX posts_platform ON posts (platform, fetched_at);`,
];

/** Schema of this store, applied at open (and by `kc migrate`). */
export const POST_INDEX_SCHEMA: SqliteSchema = { component: 'post_index', steps: SCHEMA };

interface Row {
  doc: string;
  classification: string;
  indexed_at: string;
}

/** PostIndex on SQLite FTS5 over diacritic-folded text (đ folded in Node, tones by FTS5). */
export class SqlitePostIndex implements PostIndex {
  readonly #db: Db;
  readonly #sql: ReturnType<typeof statementCache>;

  static create(options: { file: string }): SqlitePostIndex {
    if (!options.file) throw new TypeError('SqlitePostIndex needs a file');
    return new SqlitePostIndex(openDb(options.file));
  }

  private constructor(db: Db) {
    this.#db = db;
    this.#sql = statementCache(db);
    migrate(this.#db, POST_INDEX_SCHEMA);
  }

  async upsert(posts: readonly IndexedPost[]): Promise<void> {
    try {
      const put = this.#sql(
        `INSERT INTO posts (id, doc, classification, flagged, covid, score, fetched_at, indexed_at, platform, region, claim_type)
         VALUES (@id, @doc, @classification, @flagged, @covid, @score, @fetched_at, @indexed_at, @platform, @region, @claim_type)
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, classification = excluded.classification,
           flagged = excluded.flagged, covid = excluded.covid, score = excluded.score,
           fetched_at = excluded.fetched_at, indexed_at = excluded.indexed_at, platform = excluded.platform,
           region = excluded.region, claim_type = excluded.claim_type`,
      );
      const previous = this.#db.prepare('SELECT fts_rowid FROM posts WHERE id = ?').pluck();
      const unfts = this.#sql('DELETE FROM posts_fts WHERE rowid = ?');
      const fts = this.#sql('INSERT INTO posts_fts (id, folded) VALUES (?, ?)');
      const link = this.#sql('UPDATE posts SET fts_rowid = ? WHERE id = ?');
      this.#db
        .transaction(() => {
          for (const { post, classification, indexedAt, foldedText } of posts) {
            const old = previous.get(post.id) as number | null | undefined;
            if (old !== undefined && old !== null) unfts.run(old);
            put.run({
              id: post.id,
              doc: JSON.stringify(post),
              classification: JSON.stringify(classification),
              flagged: classification.flagged ? 1 : 0,
              covid: classification.covid ? 1 : 0,
              score: classification.score,
              fetched_at: post.fetchedAt,
              indexed_at: indexedAt,
              platform: post.platform,
              region: post.region,
              claim_type: classification.claimType,
            });
            const row = fts.run(post.id, postFolded(post, foldedText));
            link.run(row.lastInsertRowid, post.id);
          }
        })
        .immediate();
    } catch (err) {
      throw new StorageError('could not index posts', err);
    }
  }

  async get(ids: readonly string[]): Promise<IndexedPost[]> {
    if (ids.length === 0) return [];
    const stmt = this.#sql('SELECT doc, classification, indexed_at FROM posts WHERE id = ?');
    const out: IndexedPost[] = [];
    for (const id of ids) {
      const row = stmt.get(id) as Row | undefined;
      if (row) out.push(toIndexed(row));
    }
    return out;
  }

  async addEvidence(postId: string, refs: readonly EvidenceRef[]): Promise<IndexedPost | null> {
    try {
      return this.#db
        .transaction(() => {
          const row = this.#sql('SELECT doc, classification, indexed_at FROM posts WHERE id = ?').get(postId) as
            | Row
            | undefined;
          if (!row) return null;
          const post = PostSchema.parse(JSON.parse(row.doc));
          const known = new Set(post.evidence.map((e) => e.sha256));
          const evidence = [...post.evidence, ...refs.filter((r) => !known.has(r.sha256))].slice(-20);
          const updated = { ...post, evidence };
          this.#sql('UPDATE posts SET doc = ? WHERE id = ?').run(JSON.stringify(updated), postId);
          return {
            post: updated,
            classification: ClassificationSchema.parse(JSON.parse(row.classification)),
            indexedAt: row.indexed_at,
          };
        })
        .immediate();
    } catch (err) {
      throw new StorageError(`could not add evidence to post ${postId}`, err);
    }
  }

  async search(query: PostSearchQuery): Promise<{ items: IndexedPost[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.flagged !== undefined) where.push(`p.flagged = ${query.flagged ? 1 : 0}`);
    if (query.platform) {
      where.push('p.platform = ?');
      params.push(query.platform);
    }
    if (query.region) {
      where.push(`p.region LIKE ? ESCAPE '\\'`);
      params.push(likePrefix(query.region));
    }
    if (query.claimType && query.claimType.length > 0) {
      where.push(`p.claim_type IN (${query.claimType.map(() => '?').join(', ')})`);
      params.push(...query.claimType);
    }
    if (query.from) {
      where.push('p.fetched_at >= ?');
      params.push(query.from);
    }
    if (query.to) {
      where.push('p.fetched_at < ?');
      params.push(query.to);
    }
    let from = 'FROM posts p';
    let order = 'p.fetched_at DESC';
    if (query.q !== undefined && query.q.trim() !== '') {
      const match = ftsQuery(query.q);
      if (!match) return { items: [], total: 0 };
      from = 'FROM posts_fts f JOIN posts p ON p.id = f.id';
      where.unshift('posts_fts MATCH ?');
      params.unshift(match);
      order = 'bm25(posts_fts)';
    }
    const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    const total = (this.#sql(`SELECT COUNT(*) AS n ${from}${clause}`).get(...params) as { n: number }).n;
    const rows = this.#sql(
      `SELECT p.doc, p.classification, p.indexed_at ${from}${clause} ORDER BY ${order} LIMIT ? OFFSET ?`,
    ).all(...params, query.limit, query.offset) as Row[];
    return { items: rows.map(toIndexed), total };
  }

  async stats(from: string, to: string, region?: string): Promise<PostStats> {
    const where = `fetched_at >= @from AND fetched_at < @to${region ? ` AND region LIKE @region ESCAPE '\\'` : ''}`;
    const params = { from, to, ...(region ? { region: likePrefix(region) } : {}) };
    const totals = this.#sql(
      `SELECT COUNT(*) AS monitored, COALESCE(SUM(flagged), 0) AS flagged FROM posts WHERE ${where}`,
    ).get(params) as { monitored: number; flagged: number };
    // The grouped expression is one of the fixed column expressions below, never user input.
    const flaggedBy = (expr: string) =>
      Object.fromEntries(
        (
          this.#sql(
            `SELECT ${expr} AS k, COUNT(*) AS n FROM posts WHERE ${where} AND flagged = 1 GROUP BY k ORDER BY n DESC, k`,
          ).all(params) as { k: string | null; n: number }[]
        ).map((r) => [r.k ?? 'unknown', r.n]),
      );
    return {
      ...totals,
      flaggedByDay: fillDays(from, to, flaggedBy(`date(fetched_at, '+7 hours')`)),
      flaggedByKind: flaggedBy('claim_type'),
      flaggedByPlatform: flaggedBy('platform'),
      flaggedByRegion: flaggedBy('region'),
    };
  }

  async count(): Promise<number> {
    return (this.#sql('SELECT COUNT(*) AS n FROM posts').get() as { n: number }).n;
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

function toIndexed(row: Row): IndexedPost {
  return {
    post: PostSchema.parse(JSON.parse(row.doc)),
    classification: ClassificationSchema.parse(JSON.parse(row.classification)),
    indexedAt: row.indexed_at,
  };
}
