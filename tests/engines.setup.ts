/**
 * vitest global setup: the suite runs against a real Kafka broker and a real Elasticsearch node.
 * When KAFKA_BROKERS and ELASTICSEARCH_URL are not set, the project starts its own (infra/engines,
 * from Maven Central). Without Java or Maven this fails, saying how to get them: a run that
 * quietly skips the engines would be a failing run.
 */
import { ES_CLUSTER_NAME, startEngines, stopEngines } from '../infra/engines/engines.js';

/** Index names made by tests and benchmarks: a word, 8 random letters or digits, a dash. */
const TEST_INDEX = /^[a-z0-9]+-[0-9a-z]{8}-/;
const STALE_AFTER_MS = process.env.CI ? 0 : 3_600_000;

/**
 * Deletes the indices (and their templates) that test runs left on the node: on CI all of them
 * (before and after the run: CI runs alone), elsewhere those an hour old, so that a run going on
 * at the same time keeps its own. Every store a test opens makes up to seven one-shard indices,
 * and a node refuses new ones past 1,000 shards (CI on 2026-12-03 failed so).
 */
async function dropStaleTestIndices(url: string, olderThanMs: number): Promise<void> {
  // Only on the project's own development node, never on a cluster the variables point elsewhere.
  // Housekeeping only: a node that does not answer is left to the tests that need it to report.
  let health: { cluster_name?: string };
  try {
    health = (await (await fetch(`${url}/_cluster/health`)).json()) as { cluster_name?: string };
  } catch {
    return;
  }
  if (health.cluster_name !== ES_CLUSTER_NAME) return;
  const res = await fetch(`${url}/_cat/indices?format=json&h=index,creation.date&expand_wildcards=all`);
  if (!res.ok) throw new Error(`listing indices: ${res.status} ${await res.text()}`);
  const rows = (await res.json()) as { index: string; 'creation.date': string }[];
  const before = Date.now() - olderThanMs;
  const stale = rows.filter((r) => TEST_INDEX.test(r.index) && Number(r['creation.date']) <= before);
  // One run's indices and templates share its prefix ("test-1a2b3c4d-") and were made together.
  const prefixOf = (name: string) => TEST_INDEX.exec(name)![0];
  const prefixes = new Set(stale.map((r) => prefixOf(r.index)));
  if (olderThanMs === 0) {
    // Alone on the node: also the templates whose indices a test dropped, or never made.
    const res = await fetch(`${url}/_index_template`);
    const { index_templates } = (await res.json()) as { index_templates: { name: string }[] };
    for (const t of index_templates) if (TEST_INDEX.test(t.name)) prefixes.add(prefixOf(t.name));
  }
  const all = [...prefixes];
  for (let i = 0; i < all.length; i += 20) {
    const patterns = all
      .slice(i, i + 20)
      .map((p) => `${p}*`)
      .join(',');
    const del = await fetch(`${url}/${patterns}?expand_wildcards=all`, { method: 'DELETE' });
    if (!del.ok) throw new Error(`deleting stale test indices: ${del.status} ${await del.text()}`);
  }
  // Templates one prefix at a time: a list of patterns is refused when one matches nothing.
  for (const p of all) await fetch(`${url}/_index_template/${p}*`, { method: 'DELETE' });
  if (stale.length > 0) process.stderr.write(`[engines] deleted ${stale.length} indices of earlier test runs\n`);
}

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS && process.env.ELASTICSEARCH_URL) {
    await dropStaleTestIndices(process.env.ELASTICSEARCH_URL, STALE_AFTER_MS);
    return async () => {};
  }
  const started = Date.now();
  const engines = await startEngines({ log: (line) => process.stderr.write(`[engines] ${line}\n`) });
  process.env.KAFKA_BROKERS = engines.kafkaBrokers;
  process.env.ELASTICSEARCH_URL = engines.elasticsearchUrl;
  await dropStaleTestIndices(engines.elasticsearchUrl, STALE_AFTER_MS);
  process.stderr.write(
    `[engines] Kafka ${engines.kafkaBrokers}, Elasticsearch ${engines.elasticsearchUrl} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  // CI leaves no engine behind; on a developer's machine they keep running for the next run.
  return async () => {
    if (!process.env.CI) return;
    await dropStaleTestIndices(engines.elasticsearchUrl, 0);
    await stopEngines({ log: (line) => process.stderr.write(`[engines] ${line}\n`) });
  };
}
