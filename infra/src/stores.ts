import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoWeb, startDemoWeb } from '@kc/crawlers';
import { FsEvidenceStore, SqliteBus, SqliteCaseStore, SqlitePostIndex, SqliteUserStore } from '@kc/pipeline';

/** The embedded default: every port on SQLite files (and evidence files) in the data directory. */
export function openEmbeddedStores(dataDir: string, options: { verdictDeadlineHours?: number } = {}) {
  return {
    bus: SqliteBus.create({ file: join(dataDir, 'bus.sqlite') }),
    index: SqlitePostIndex.create({ file: join(dataDir, 'posts.sqlite') }),
    cases: SqliteCaseStore.create({ file: join(dataDir, 'cases.sqlite'), ...options }),
    users: SqliteUserStore.create({ file: join(dataDir, 'cases.sqlite') }),
    evidence: FsEvidenceStore.create({ dir: join(dataDir, 'evidence') }),
  };
}
export type Stores = ReturnType<typeof openEmbeddedStores>;

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
