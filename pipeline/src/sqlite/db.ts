import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Opens (and creates) a SQLite file in WAL mode, tuned for one writer and many readers. */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Applies numbered schema steps of one component once each. Several components may share a
 * file, so versions are kept per component in schema_migrations, not in user_version.
 */
export function migrate(db: Db, component: string, steps: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  db.transaction(() => {
    const row = db.prepare('SELECT version FROM schema_migrations WHERE component = ?').get(component) as
      | { version: number }
      | undefined;
    for (let v = row?.version ?? 0; v < steps.length; v++) db.exec(steps[v]!);
    db.prepare(
      `INSERT INTO schema_migrations (component, version) VALUES (?, ?)
       ON CONFLICT (component) DO UPDATE SET version = MAX(version, excluded.version)`,
    ).run(component, steps.length);
  }).immediate();
}
