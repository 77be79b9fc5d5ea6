export {
  applyCaseCommand,
  type CaseState,
  caseIdOf,
  posterIdOf,
  type Transition,
} from './case-commands.js';
export * from './domain/index.js';
export { CASE_STORE_INDICES, EsCaseStore, type EsCaseStoreOptions } from './elasticsearch/case-store.js';
export { type IndexSpec, type MigrationStep, migrateIndices } from './elasticsearch/indices.js';
export { EsPostIndex, type EsPostIndexOptions, POST_INDEX } from './elasticsearch/post-index.js';
export { ConflictError, KcError, NotFoundError, PoisonMessageError, StorageError } from './errors.js';
export { FsEvidenceStore } from './fs-evidence-store.js';
export { KafkaBus, type KafkaBusOptions } from './kafka/bus.js';
export * from './ports.js';
export {
  type Logger,
  StreamProcessor,
  type StreamProcessorContext,
  type StreamProcessorOptions,
  type StreamProcessorStats,
} from './processor.js';
export { checkReadiness, type Readiness } from './readiness.js';
export { BUS_SCHEMA, SqliteBus, type SqliteBusOptions } from './sqlite/bus.js';
export { CASE_STORE_SCHEMA, SqliteCaseStore } from './sqlite/case-store.js';
export { migrate as migrateSqlite, openDb, type SqliteSchema, schemaVersion } from './sqlite/db.js';
export { ftsQuery } from './sqlite/fts.js';
export { POST_INDEX_SCHEMA, SqlitePostIndex } from './sqlite/post-index.js';
export { LOGIN_LOCKOUT, SqliteUserStore, USER_STORE_SCHEMA } from './sqlite/user-store.js';
export {
  type DurationSummary,
  fillDays,
  MAX_STAT_DAYS,
  summarizeDurations,
  vietnamDay,
  vietnamDays,
} from './stats.js';
