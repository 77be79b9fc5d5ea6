/**
 * vitest global setup: the suite runs against a real Kafka broker and a real Elasticsearch node.
 * When KAFKA_BROKERS and ELASTICSEARCH_URL are not set, the project starts its own (infra/engines,
 * from Maven Central). Without Java or Maven this fails, saying how to get them: a run that
 * quietly skips the engines would be a failing run.
 */
import { Kafka, logLevel } from 'kafkajs';
import { ES_CLUSTER_NAME, startEngines, stopEngines } from '../infra/engines/engines.js';

/** Index names made by tests and benchmarks: a word, 8 random letters or digits, a dash. */
const TEST_INDEX = /^[a-z0-9]+-[0-9a-z]{8}-/;
/** Kafka topics of the same runs (tests/helpers scaleOutEnv): the run's name, then a dot. */
const TEST_TOPIC = /^([a-z0-9]+-[0-9a-z]{8})\./;
const STALE_AFTER_MS = process.env.CI ? 0 : 3_600_000;

/**
 * Deletes the indices (and their templates) and the Kafka topics that test runs left on the
 * project's own engines: on CI all of them (before and after the run: CI runs alone), elsewhere
 * those of runs an hour old, so that a run going on at the same time keeps its own. Every store a
 * test opens makes up to seven one-shard indices, and a node refuses new ones past 1,000 shards
 * (CI on 2026-12-03 failed so); a full run also leaves some 25 topics and 120 partitions.
 */
async function dropStaleTestData(url: string, brokers: string, olderThanMs: number): Promise<void> {
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
  // The same runs' Kafka topics: a run's indices tell its age, topics carry none.
  const runs = new Set(all.map((p) => p.slice(0, -1)));
  await dropTestTopics(brokers, (run) => olderThanMs === 0 || runs.has(run));
}

/**
 * Deletes the test runs' topics that `stale` names (every partition is files and memory on the
 * broker: CI's broker had hundreds after a few runs).
 */
async function dropTestTopics(brokers: string, stale: (run: string) => boolean): Promise<void> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => {
      const run = TEST_TOPIC.exec(t)?.[1];
      return run !== undefined && stale(run);
    });
    for (let i = 0; i < topics.length; i += 100) await admin.deleteTopics({ topics: topics.slice(i, i + 100) });
    if (topics.length > 0) process.stderr.write(`[engines] deleted ${topics.length} topics of earlier test runs\n`);
  } catch {
    // Housekeeping only: a broker that does not answer is left to the tests that need it.
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS && process.env.ELASTICSEARCH_URL) {
    await dropStaleTestData(process.env.ELASTICSEARCH_URL, process.env.KAFKA_BROKERS, STALE_AFTER_MS);
    return async () => {};
  }
  const started = Date.now();
  const engines = await startEngines({ log: (line) => process.stderr.write(`[engines] ${line}\n`) });
  process.env.KAFKA_BROKERS = engines.kafkaBrokers;
  process.env.ELASTICSEARCH_URL = engines.elasticsearchUrl;
  await dropStaleTestData(engines.elasticsearchUrl, engines.kafkaBrokers, STALE_AFTER_MS);
  process.stderr.write(
    `[engines] Kafka ${engines.kafkaBrokers}, Elasticsearch ${engines.elasticsearchUrl} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  // CI leaves no engine behind; on a developer's machine they keep running for the next run.
  return async () => {
    if (!process.env.CI) return;
    await dropStaleTestData(engines.elasticsearchUrl, engines.kafkaBrokers, 0);
    await stopEngines({ log: (line) => process.stderr.write(`[engines] ${line}\n`) });
  };
}
