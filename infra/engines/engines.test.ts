/**
 * Real engines, no mocks: starts (or reuses) the local Kafka broker and Elasticsearch node, then proves each one
 * does real work. Run with: npx vitest run infra/engines (part of npm test)
 * Set KC_ENGINES_STOP_AFTER_TEST=1 to stop the engines afterwards (CI); by default they keep running for reuse.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineStatus, runKafkaTool, type StartedEngines, startEngines, stopEngines } from './engines.js';

const log = (line: string) => console.log(`[engines] ${line}`);
const json = { 'content-type': 'application/json' };

describe('local engines (real Kafka and Elasticsearch)', () => {
  let engines: StartedEngines;

  beforeAll(async () => {
    const started = Date.now();
    engines = await startEngines({ log });
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${engines.kafkaBrokers} ${engines.elasticsearchUrl}`);
  }, 20 * 60_000);

  afterAll(async () => {
    if (process.env.KC_ENGINES_STOP_AFTER_TEST === '1') await stopEngines({ log });
  }, 120_000);

  it('is idempotent: a second start reuses the running engines', async () => {
    const started = Date.now();
    const again = await startEngines();
    expect(again).toEqual(engines);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('Kafka: a message produced with the console producer comes back through a consumer group', async () => {
    const suffix = randomBytes(4).toString('hex');
    const topic = `kc-engines-test-${suffix}`;
    const bootstrap = ['--bootstrap-server', engines.kafkaBrokers];
    // Non-ASCII on purpose: production payloads are Vietnamese.
    const record = `key-${suffix}|Kiểm Chứng: tin giả về lũ lụt ${suffix}`;

    const create = await runKafkaTool('org.apache.kafka.tools.TopicCommand', [
      ...bootstrap,
      '--create',
      '--topic',
      topic,
      '--partitions',
      '1',
      '--replication-factor',
      '1',
    ]);
    expect(create.code, create.stderr).toBe(0);

    const produce = await runKafkaTool(
      'org.apache.kafka.tools.ConsoleProducer',
      [...bootstrap, '--topic', topic, '--reader-property', 'parse.key=true', '--reader-property', 'key.separator=|'],
      { input: `${record}\n` },
    );
    expect(produce.code, produce.stderr).toBe(0);

    // A consumer group exercises the group coordinator, which needs the replication-factor-1 internal topics.
    const consume = await runKafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      ...bootstrap,
      '--topic',
      topic,
      '--group',
      `kc-engines-test-${suffix}`,
      '--from-beginning',
      '--max-messages',
      '1',
      '--timeout-ms',
      '60000',
      '--formatter-property',
      'print.key=true',
      '--formatter-property',
      'key.separator=|',
    ]);
    expect(consume.code, consume.stderr).toBe(0);
    expect(consume.stdout.trim()).toBe(record);

    const remove = await runKafkaTool('org.apache.kafka.tools.TopicCommand', [
      ...bootstrap,
      '--delete',
      '--topic',
      topic,
    ]);
    expect(remove.code, remove.stderr).toBe(0);
  }, 240_000);

  it('Elasticsearch: creates an index, indexes with refresh, finds the document, deletes the index', async () => {
    const url = engines.elasticsearchUrl;
    const index = `kc-engines-test-${randomBytes(4).toString('hex')}`;

    const create = await fetch(`${url}/${index}`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: { properties: { title: { type: 'text' }, province: { type: 'keyword' } } },
      }),
    });
    expect(create.status, await create.clone().text()).toBe(200);

    const put = await fetch(`${url}/${index}/_doc/1?refresh=true`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ title: 'Tin giả về lũ lụt ở Huế', province: 'Thừa Thiên Huế' }),
    });
    expect(put.status, await put.clone().text()).toBe(201);

    const search = await fetch(`${url}/${index}/_search`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        query: { bool: { must: { match: { title: 'lũ lụt' } }, filter: { term: { province: 'Thừa Thiên Huế' } } } },
      }),
    });
    const found = (await search.json()) as { hits: { total: { value: number }; hits: { _id: string }[] } };
    expect(found.hits.total.value).toBe(1);
    expect(found.hits.hits[0]?._id).toBe('1');

    const remove = await fetch(`${url}/${index}`, { method: 'DELETE' });
    expect(remove.status).toBe(200);
    const gone = await fetch(`${url}/${index}`, { method: 'HEAD' });
    expect(gone.status).toBe(404);
  }, 120_000);

  it('reports both engines running and healthy, with pid, log file and memory', async () => {
    const status = await engineStatus();
    expect(status.map((s) => s.engine)).toEqual(['kafka', 'elasticsearch']);
    for (const s of status) {
      const rss = s.rssBytes === null ? '?' : `${Math.round(s.rssBytes / 1024 / 1024)} MiB`;
      log(`${s.engine} ${s.version}: pid ${s.pid}, ${s.address}, rss ${rss}, ${s.detail}, log ${s.logFile}`);
      expect(s.running).toBe(true);
      expect(s.healthy).toBe(true);
      expect(s.pid).toBeGreaterThan(0);
      expect(fs.existsSync(s.logFile)).toBe(true);
    }
  });
});
