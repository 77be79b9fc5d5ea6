/**
 * Versioned Elasticsearch indices behind aliases: every adapter reads and writes
 * `<prefix><name>` (an alias) which points at `<prefix><name>-v<version>`, created from an
 * index template of the same name. A mapping change
 * bumps the version; `kc migrate` copies the documents into the new index (scroll + bulk in
 * Node: the minimal node has no reindex module) and swaps the alias in one atomic step.
 */

import type { estypes } from '@elastic/elasticsearch';
import { type Client, errors } from '@elastic/elasticsearch';
import { StorageError } from '../errors.js';

export interface IndexSpec {
  /** Name after the prefix, e.g. "cases". */
  readonly name: string;
  readonly version: number;
  readonly mappings: estypes.MappingTypeMapping;
  /** Turns a document of an older version into one of this version (default: unchanged). */
  readonly upgrade?: (doc: Record<string, unknown>, fromVersion: number) => Record<string, unknown>;
}

export const aliasOf = (prefix: string, spec: IndexSpec) => `${prefix}${spec.name}`;
export const indexOf = (prefix: string, spec: IndexSpec, version = spec.version) => `${prefix}${spec.name}-v${version}`;

/** The versioned index an alias points at, or null when the alias does not exist. */
async function currentVersion(es: Client, prefix: string, spec: IndexSpec): Promise<number | null> {
  const alias = aliasOf(prefix, spec);
  const res = await es.indices.getAlias({ name: alias }, { ignore: [404] });
  const indices = Object.keys(res ?? {}).filter((k) => k.startsWith(`${alias}-v`));
  if (indices.length === 0) return null;
  return Math.max(...indices.map((i) => Number(i.slice(alias.length + 2))));
}

async function create(es: Client, prefix: string, spec: IndexSpec, withAlias: boolean): Promise<void> {
  // An index template holds the settings and mappings of this version, so that the index gets
  // them however it comes to exist (also if a write re-creates a deleted index).
  await es.indices.putIndexTemplate({
    name: indexOf(prefix, spec),
    index_patterns: [indexOf(prefix, spec)],
    priority: 100,
    template: {
      // One shard: documents become searchable in the order they were written (the audit log
      // relies on it), and a province's data fits one shard many times over.
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: spec.mappings,
    },
    _meta: { kiem_chung_version: spec.version },
  });
  try {
    await es.indices.create({
      index: indexOf(prefix, spec),
      ...(withAlias ? { aliases: { [aliasOf(prefix, spec)]: {} } } : {}),
    });
  } catch (err) {
    if (err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception') {
      if (withAlias) await es.indices.putAlias({ index: indexOf(prefix, spec), name: aliasOf(prefix, spec) });
      return;
    }
    throw err;
  }
}

/**
 * Creates missing indices and aliases at their current version. An alias at an older version
 * stops the start: the data must be migrated first (`kc migrate`).
 */
export async function ensureIndices(es: Client, prefix: string, specs: readonly IndexSpec[]): Promise<void> {
  try {
    for (const spec of specs) {
      const version = await currentVersion(es, prefix, spec);
      if (version === spec.version) continue;
      if (version !== null && version < spec.version) {
        throw new StorageError(
          `Elasticsearch index ${aliasOf(prefix, spec)} is at mapping version ${version}, this release needs ${spec.version}: run \`kc migrate\``,
        );
      }
      if (version !== null && version > spec.version) {
        throw new StorageError(
          `Elasticsearch index ${aliasOf(prefix, spec)} is at mapping version ${version}, newer than this release (${spec.version})`,
        );
      }
      await create(es, prefix, spec, true);
    }
    // Another process may have created them a moment ago: reads fail until their shards start
    // (the cluster reports the shard active a moment before it takes a realtime GET).
    await es.cluster.health({
      index: specs.map((spec) => aliasOf(prefix, spec)),
      wait_for_status: 'yellow',
      timeout: '30s',
    });
    for (const spec of specs) await readable(es, aliasOf(prefix, spec));
  } catch (err) {
    if (err instanceof StorageError) throw err;
    throw new StorageError('could not prepare the Elasticsearch indices', err);
  }
}

/** Waits (up to 30 s) until the index answers a realtime GET. */
async function readable(es: Client, index: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      await es.get({ index, id: '_readable' }, { ignore: [404] });
      return;
    } catch (err) {
      const starting = err instanceof errors.ResponseError && err.statusCode === 503;
      if (!starting || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface MigrationStep {
  readonly alias: string;
  readonly from: number | null;
  readonly to: number;
  /** Documents copied (0 in a dry run, or when the index is created new). */
  readonly documents: number;
}

/**
 * Brings every alias to its spec's version: creates what is missing, and copies the documents
 * of an older index into the new one through `upgrade`, then moves the alias atomically. The
 * old index is kept (delete it once the new one is checked). `dryRun` only reports the steps.
 */
export async function migrateIndices(
  es: Client,
  prefix: string,
  specs: readonly IndexSpec[],
  options: { dryRun?: boolean } = {},
): Promise<MigrationStep[]> {
  const steps: MigrationStep[] = [];
  for (const spec of specs) {
    const from = await currentVersion(es, prefix, spec);
    if (from === spec.version) continue;
    if (from !== null && from > spec.version) {
      throw new StorageError(
        `${aliasOf(prefix, spec)} is at version ${from}, newer than this release (${spec.version})`,
      );
    }
    if (options.dryRun) {
      steps.push({ alias: aliasOf(prefix, spec), from, to: spec.version, documents: 0 });
      continue;
    }
    if (from === null) {
      await create(es, prefix, spec, true);
      steps.push({ alias: aliasOf(prefix, spec), from, to: spec.version, documents: 0 });
      continue;
    }
    await create(es, prefix, spec, false);
    const source = indexOf(prefix, spec, from);
    const target = indexOf(prefix, spec);
    let documents = 0;
    let page = await es.search<Record<string, unknown>>({ index: source, scroll: '2m', size: 500, sort: ['_doc'] });
    while (page.hits.hits.length > 0) {
      const operations = page.hits.hits.flatMap((h) => [
        { index: { _index: target, _id: h._id } },
        spec.upgrade ? spec.upgrade(h._source ?? {}, from) : (h._source ?? {}),
      ]);
      const res = await es.bulk({ operations });
      if (res.errors) throw new StorageError(`could not copy documents into ${target}`);
      documents += page.hits.hits.length;
      if (!page._scroll_id) break;
      page = await es.scroll<Record<string, unknown>>({ scroll_id: page._scroll_id, scroll: '2m' });
    }
    if (page._scroll_id) await es.clearScroll({ scroll_id: page._scroll_id }).catch(() => {});
    await es.indices.refresh({ index: target });
    await es.indices.updateAliases({
      actions: [
        { remove: { index: source, alias: aliasOf(prefix, spec) } },
        { add: { index: target, alias: aliasOf(prefix, spec) } },
      ],
    });
    steps.push({ alias: aliasOf(prefix, spec), from, to: spec.version, documents });
  }
  return steps;
}

/** Deletes every index and index template of the specs (tests). */
export async function dropIndices(es: Client, prefix: string, specs: readonly IndexSpec[]): Promise<void> {
  for (const spec of specs) {
    await es.indices.delete({ index: `${aliasOf(prefix, spec)}-v*` }, { ignore: [404] });
    await es.indices.deleteIndexTemplate({ name: `${aliasOf(prefix, spec)}-v*` }, { ignore: [404] });
  }
}
