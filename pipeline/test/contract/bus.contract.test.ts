import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Bus, type BusRecord, KafkaBus, SqliteBus } from '../../src/index.js';
import { tempDir, until } from '../helpers.js';

/**
 * One contract, every Bus adapter: the embedded SQLite log and a real Kafka broker (started by
 * the suite's global setup when KAFKA_BROKERS is not set). Topics and groups get random names.
 */
const adapters: [string, () => Promise<{ open: () => Promise<Bus> }>][] = [
  [
    'sqlite',
    async () => {
      const file = join(tempDir(), 'bus.sqlite');
      return { open: async () => SqliteBus.create({ file, pollMs: 50 }) };
    },
  ],
  [
    'kafka',
    async () => {
      const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
      if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: the global setup should have started Kafka');
      const prefix = `test-${randomUUID().slice(0, 8)}.`;
      return { open: () => KafkaBus.create({ brokers, prefix, partitions: 2 }) };
    },
  ],
];

describe.each(adapters)('Bus contract: %s', (_name, make) => {
  const collect = (into: string[]) => async (batch: readonly BusRecord[]) => {
    for (const r of batch) into.push(Buffer.from(r.value).toString());
  };

  it('delivers in order per key and resumes a group after its committed position', async () => {
    const { open } = await make();
    let bus = await open();
    await bus.publish('posts.raw', [
      { key: 'k', value: '1' },
      { key: 'k', value: '2' },
    ]);
    const seen: string[] = [];
    let consumer = await bus.consume({ group: 'g', topic: 'posts.raw', maxBatch: 10, handler: collect(seen) });
    await until(() => seen.length === 2, 30_000);
    await until(async () => (await bus.lag('g', 'posts.raw')) === 0, 30_000);
    await consumer.stop();
    await bus.publish('posts.raw', [{ key: 'k', value: '3' }]);
    expect(await bus.lag('g', 'posts.raw')).toBe(1);
    await bus.close();

    bus = await open();
    consumer = await bus.consume({ group: 'g', topic: 'posts.raw', maxBatch: 10, handler: collect(seen) });
    await until(() => seen.length === 3, 30_000);
    expect(seen).toEqual(['1', '2', '3']);
    await consumer.stop();
    await bus.close();
  }, 90_000);

  it('redelivers a batch whose handler failed, and commits only after success', async () => {
    const { open } = await make();
    const bus = await open();
    await bus.publish('posts.raw', [{ key: 'a', value: 'x' }]);
    let calls = 0;
    const errors: unknown[] = [];
    const consumer = await bus.consume({
      group: 'g',
      topic: 'posts.raw',
      maxBatch: 10,
      handler: async () => {
        calls++;
        if (calls === 1) throw new Error('engine away');
      },
      onError: (e) => errors.push(e),
    });
    await until(() => calls >= 2, 30_000);
    await until(async () => (await bus.lag('g', 'posts.raw')) === 0, 30_000);
    expect(errors).toHaveLength(1);
    await consumer.stop();
    await bus.close();
  }, 90_000);

  it('keeps the bytes as published, invalid UTF-8 included, with the key', async () => {
    const { open } = await make();
    const bus = await open();
    const bad = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    await bus.publish('posts.raw', [{ key: 'p_1', value: bad }]);
    const got: BusRecord[] = [];
    const consumer = await bus.consume({
      group: 'g',
      topic: 'posts.raw',
      maxBatch: 1,
      handler: async (b) => {
        got.push(...b);
      },
    });
    await until(() => got.length === 1, 30_000);
    expect([...got[0]!.value]).toEqual([...bad]);
    expect(got[0]!.key).toBe('p_1');
    expect(got[0]!.topic).toBe('posts.raw');
    await consumer.stop();
    await bus.close();
  }, 90_000);
});
