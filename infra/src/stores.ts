import { join } from 'node:path';
import { FsEvidenceStore, SqliteBus, SqliteCaseStore, SqlitePostIndex, SqliteUserStore } from '@kc/pipeline';

/** The embedded default: every port on SQLite files (and evidence files) in the data directory. */
export function openEmbeddedStores(dataDir: string) {
  return {
    bus: SqliteBus.create({ file: join(dataDir, 'bus.sqlite') }),
    index: SqlitePostIndex.create({ file: join(dataDir, 'posts.sqlite') }),
    cases: SqliteCaseStore.create({ file: join(dataDir, 'cases.sqlite') }),
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
