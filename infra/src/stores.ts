import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoWeb } from '@kc/crawlers';
import {
  type Bus,
  type CaseStore,
  EsCaseStore,
  EsPostIndex,
  FsEvidenceStore,
  KafkaBus,
  type PostIndex,
  SqliteBus,
  SqliteCaseStore,
  SqlitePostIndex,
  SqliteUserStore,
} from '@kc/pipeline';
import type { KcConfig } from './config.js';

export interface StoreOptions {
  readonly verdictDeadlineHours?: number;
  /** Put the bus on Kafka instead of the SQLite log. */
  readonly kafka?: { brokers: string[]; prefix: string; partitions?: number } | null;
  /** Put the post index on Elasticsearch instead of SQLite FTS5. */
  readonly elasticsearch?: { node: string; prefix: string } | null;
  /** Put cases, posters and the audit log on Elasticsearch instead of SQLite. */
  readonly caseStore?: { node: string; prefix: string } | null;
}

/**
 * The stores of one process: the embedded default has every port on SQLite files (and evidence
 * files) in the data directory; with `kafka` the bus is Apache Kafka. Nothing else changes.
 */
export async function openStores(dataDir: string, options: StoreOptions = {}) {
  const bus: Bus = options.kafka
    ? await KafkaBus.create({
        brokers: options.kafka.brokers,
        prefix: options.kafka.prefix,
        ...(options.kafka.partitions ? { partitions: options.kafka.partitions } : {}),
      })
    : SqliteBus.create({ file: join(dataDir, 'bus.sqlite') });
  const local = openLocalStores(dataDir, options);
  const index: PostIndex = options.elasticsearch
    ? await EsPostIndex.create({ node: options.elasticsearch.node, prefix: options.elasticsearch.prefix })
    : local.index;
  if (options.elasticsearch) await local.index.close();
  const cases: CaseStore = options.caseStore
    ? await EsCaseStore.create({
        node: options.caseStore.node,
        prefix: options.caseStore.prefix,
        ...(options.verdictDeadlineHours ? { verdictDeadlineHours: options.verdictDeadlineHours } : {}),
      })
    : local.cases;
  if (options.caseStore) await local.cases.close();
  return { ...local, index, bus, cases };
}

/** The embedded default: every port on SQLite files (and evidence files) in the data directory. */
export function openEmbeddedStores(dataDir: string, options: StoreOptions = {}) {
  const local = openLocalStores(dataDir, options);
  return {
    ...local,
    index: local.index as PostIndex,
    cases: local.cases as CaseStore,
    bus: SqliteBus.create({ file: join(dataDir, 'bus.sqlite') }) as Bus,
  };
}

function openLocalStores(dataDir: string, options: StoreOptions) {
  return {
    index: SqlitePostIndex.create({ file: join(dataDir, 'posts.sqlite') }),
    cases: SqliteCaseStore.create({
      file: join(dataDir, 'cases.sqlite'),
      ...(options.verdictDeadlineHours ? { verdictDeadlineHours: options.verdictDeadlineHours } : {}),
    }),
    users: SqliteUserStore.create({ file: join(dataDir, 'cases.sqlite') }),
    evidence: FsEvidenceStore.create({ dir: join(dataDir, 'evidence') }),
  };
}
export type Stores = ReturnType<typeof openEmbeddedStores>;

/** Store options from the configuration. */
export function storeOptions(config: KcConfig): StoreOptions {
  return {
    verdictDeadlineHours: config.KC_VERDICT_DEADLINE_HOURS,
    kafka:
      config.KC_BUS === 'kafka'
        ? {
            brokers: (config.KAFKA_BROKERS ?? '')
              .split(',')
              .map((b) => b.trim())
              .filter(Boolean),
            prefix: config.KC_KAFKA_PREFIX,
            partitions: config.KC_KAFKA_PARTITIONS,
          }
        : null,
    elasticsearch:
      config.KC_INDEX === 'elasticsearch' && config.ELASTICSEARCH_URL
        ? { node: config.ELASTICSEARCH_URL, prefix: config.KC_ES_PREFIX }
        : null,
    caseStore:
      config.KC_CASE_STORE === 'elasticsearch' && config.ELASTICSEARCH_URL
        ? { node: config.ELASTICSEARCH_URL, prefix: config.KC_ES_PREFIX }
        : null,
  };
}

export async function closeStores(stores: Stores): Promise<void> {
  await stores.bus.close();
  await stores.index.close();
  await stores.users.close();
  await stores.cases.close();
}

/**
 * Article post ids derive from their URLs, so the demo web must keep its address across
 * restarts or a re-crawl would look like new articles. The port is kept in the data directory.
 */
export async function startDemoWebOnSamePort(dataDir: string): Promise<DemoWeb> {
  const { startDemoWeb } = await import('@kc/crawlers');
  const file = join(dataDir, 'demo-web.json');
  let port = 0;
  try {
    port = Number((JSON.parse(readFileSync(file, 'utf8')) as { port?: unknown }).port) || 0;
  } catch {
    // First start: any free port.
  }
  let web: DemoWeb;
  try {
    web = await startDemoWeb({ port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
    web = await startDemoWeb();
  }
  writeFileSync(file, JSON.stringify({ port: Number(new URL(web.url).port) }));
  return web;
}
