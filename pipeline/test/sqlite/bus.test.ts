import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BusRecord, SqliteBus } from '../../src/index.js';
import { tempDir, until } from '../helpers.js';

describe('SqliteBus', () => {
  it('delivers messages in order and resumes a group after its committed position', async () => {
    const file = join(tempDir(), 'bus.sqlite');
    let bus = SqliteBus.create({ file });
    await bus.publish('t', [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    const seen: string[] = [];
    let consumer = await bus.consume({
      group: 'g',
      topic: 't',
      maxBatch: 10,
      handler: async (batch) => {
        for (const r of batch) seen.push(Buffer.from(r.value).toString());
      },
    });
    await until(() => seen.length === 2);
    await consumer.stop();
    await bus.publish('t', [{ key: 'c', value: '3' }]);
    expect(await bus.lag('g', 't')).toBe(1);
    await bus.close();

    bus = SqliteBus.create({ file });
    consumer = await bus.consume({
      group: 'g',
      topic: 't',
      maxBatch: 10,
      handler: async (batch) => {
        for (const r of batch) seen.push(Buffer.from(r.value).toString());
      },
    });
    await until(() => seen.length === 3);
    expect(seen).toEqual(['1', '2', '3']);
    await until(async () => (await bus.lag('g', 't')) === 0);
    await bus.close();
  });

  it('redelivers a batch whose handler failed and commits only after success', async () => {
    const bus = SqliteBus.create({ file: join(tempDir(), 'bus.sqlite') });
    await bus.publish('t', [{ key: 'a', value: 'x' }]);
    let calls = 0;
    const errors: unknown[] = [];
    const consumer = await bus.consume({
      group: 'g',
      topic: 't',
      maxBatch: 10,
      handler: async () => {
        calls++;
        if (calls === 1) throw new Error('engine away');
      },
      onError: (e) => errors.push(e),
    });
    await until(() => calls === 2);
    await until(async () => (await bus.lag('g', 't')) === 0);
    expect(errors).toHaveLength(1);
    await consumer.stop();
    await bus.close();
  });

  it('keeps bytes as published, invalid UTF-8 included', async () => {
    const bus = SqliteBus.create({ file: join(tempDir(), 'bus.sqlite') });
    const bad = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    await bus.publish('t', [{ key: 'k', value: bad }]);
    const got: BusRecord[] = [];
    const consumer = await bus.consume({
      group: 'g',
      topic: 't',
      maxBatch: 1,
      handler: async (b) => {
        got.push(...b);
      },
    });
    await until(() => got.length === 1);
    expect([...got[0]!.value]).toEqual([...bad]);
    expect(got[0]!.offset).toBe('0');
    await consumer.stop();
    await bus.close();
  });

  it('refuses bad consumer options up front', async () => {
    const bus = SqliteBus.create({ file: join(tempDir(), 'bus.sqlite') });
    await expect(bus.consume({ group: '', topic: 't', maxBatch: 1, handler: async () => {} })).rejects.toThrow(
      TypeError,
    );
    await expect(bus.consume({ group: 'g', topic: 't', maxBatch: 0, handler: async () => {} })).rejects.toThrow(
      RangeError,
    );
    await bus.close();
  });
});
