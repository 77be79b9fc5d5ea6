import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError } from '../errors.js';

export type Db = Database.Database;

/** Opens (and creates) a SQLite file in WAL mode, tuned for one writer and many readers. */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // First: two processes opening a new file at once wait for each other instead of failing.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Prepared statements of one connection, kept by their SQL text: preparing costs more than
 * running most of the store's queries. Not for statements changed by pluck()/raw() or iterated.
 */
export function statementCache(db: Db, limit = 500): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      // Lists build their SQL from the filters chosen: bounded, but clear rather than grow.
      if (cache.size >= limit) cache.clear();
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

/**
 * A token that changes when the file may have changed: at once for writes through this
 * connection (`total_changes()`, a counter that starts no transaction), and within `intervalMs`
 * for commits by other connections (`PRAGMA data_version`, which starts a read transaction:
 * about as costly as the queries a cached answer saves, so it is asked at most that often).
 */
export function changeTracker(db: Db, intervalMs = 100): () => string {
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  let version = 0;
  let checkedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const now = performance.now();
    if (now - checkedAt >= intervalMs) {
      version = dataVersion.get() as number;
      checkedAt = now;
    }
    return `${version}.${totalChanges.get() as number}`;
  };
}

/** The numbered schema steps of one component (a store) of a SQLite file. */
export interface SqliteSchema {
  readonly component: string;
  readonly steps: readonly string[];
}

/** The schema version a component has in a file: 0 when it was never applied. */
export function schemaVersion(db: Db, component: string): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
  if (!table) return 0;
  const row = db.prepare('SELECT version FROM schema_migrations WHERE component = ?').get(component) as
    | { version: number }
    | undefined;
  return row?.version ?? 0;
}

/**
 * Applies numbered schema steps of one component once each, in one transaction. Several
 * components may share a file, so versions are kept per component in schema_migrations, not in
 * user_version. A file made by a newer release is refused rather than misread.
 */
export function migrate(db: Db, schema: SqliteSchema): { from: number; to: number } {
  const { component, steps } = schema;
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const applied = db.transaction(() => {
    const from = schemaVersion(db, component);
    if (from > steps.length) {
      throw new StorageError(
        `${db.name}: ${component} is at schema version ${from}, newer than this release (${steps.length}); upgrade Kiểm Chứng`,
      );
    }
    for (let v = from; v < steps.length; v++) db.exec(steps[v]!);
    db.prepare(
      `INSERT INTO schema_migrations (component, version) VALUES (?, ?)
         ON CONFLICT (component) DO UPDATE SET version = excluded.version`,
    ).run(component, steps.length);
    return { from, to: steps.length };
  });
  const result = applied.immediate();
  // Statistics for the query planner (as SQLite advises for a connection that stays open): which
  // index serves "new cases by priority" depends on how many cases each status has.
  db.pragma('analysis_limit = 400');
  db.pragma('optimize = 0x10002');
  return result;
}
