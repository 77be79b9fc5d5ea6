/**
 * `kc migrate [--dry-run]`: brings every store of the configured deployment to the schema of
 * this release. SQLite files are also migrated when a process opens them; Elasticsearch
 * indices are not (a mapping change copies documents, which an operator should start on
 * purpose), so a start after an upgrade stops with "run `kc migrate`" until this ran.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import {
  BUS_SCHEMA,
  CASE_STORE_INDICES,
  CASE_STORE_SCHEMA,
  type IndexSpec,
  migrateIndices,
  migrateSqlite,
  openDb,
  POST_INDEX,
  POST_INDEX_SCHEMA,
  type SqliteSchema,
  schemaVersion,
  USER_STORE_SCHEMA,
} from '@kc/pipeline';
import type { KcConfig } from './config.js';

/** The SQLite files of a data directory and the stores kept in each. */
export const SQLITE_FILES: readonly { file: string; schemas: readonly SqliteSchema[] }[] = [
  { file: 'cases.sqlite', schemas: [CASE_STORE_SCHEMA, USER_STORE_SCHEMA] },
  { file: 'posts.sqlite', schemas: [POST_INDEX_SCHEMA] },
  { file: 'bus.sqlite', schemas: [BUS_SCHEMA] },
];

export interface MigrationLine {
  readonly store: string;
  readonly from: number | null;
  readonly to: number;
  readonly done: boolean;
  readonly documents?: number;
}

/** Migrates (or, with dryRun, only reports) every store the configuration uses. */
export async function migrateAll(config: KcConfig, options: { dryRun: boolean }): Promise<MigrationLine[]> {
  const lines: MigrationLine[] = [];
  for (const { file, schemas } of SQLITE_FILES) {
    const path = join(config.dataDir, file);
    // A file that does not exist yet is created at the newest schema when a process opens it.
    if (!existsSync(path)) continue;
    const db = openDb(path);
    try {
      for (const schema of schemas) {
        const from = schemaVersion(db, schema.component);
        if (from === schema.steps.length) continue;
        if (!options.dryRun) migrateSqlite(db, schema);
        lines.push({ store: `${file} ${schema.component}`, from, to: schema.steps.length, done: !options.dryRun });
      }
    } finally {
      db.close();
    }
  }
  const specs: IndexSpec[] = [
    ...(config.KC_INDEX === 'elasticsearch' ? [POST_INDEX] : []),
    ...(config.KC_CASE_STORE === 'elasticsearch' ? CASE_STORE_INDICES : []),
  ];
  if (specs.length > 0 && config.ELASTICSEARCH_URL) {
    const es = new Client({ node: config.ELASTICSEARCH_URL, requestTimeout: 120_000 });
    try {
      for (const step of await migrateIndices(es, config.KC_ES_PREFIX, specs, { dryRun: options.dryRun })) {
        lines.push({
          store: `elasticsearch ${step.alias}`,
          from: step.from,
          to: step.to,
          done: !options.dryRun,
          documents: step.documents,
        });
      }
    } finally {
      await es.close();
    }
  }
  return lines;
}
