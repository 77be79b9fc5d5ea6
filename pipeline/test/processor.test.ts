import { join } from 'node:path';
import { Classifier } from '@kc/classifier';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteBus, SqliteCaseStore, SqlitePostIndex, StorageError, StreamProcessor, TOPICS } from '../src/index.js';
import { makePost, silentLog, tempDir, until } from './helpers.js';

describe('StreamProcessor', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  function setup() {
    const dir = tempDir();
    const bus = SqliteBus.create({ file: join(dir, 'bus.sqlite') });
    const index = SqlitePostIndex.create({ file: join(dir, 'posts.sqlite') });
    const cases = SqliteCaseStore.create({ file: join(dir, 'cases.sqlite') });
    open.push(bus, index, cases);
    const processor = new StreamProcessor({ bus, index, cases, classifier: new Classifier(), log: silentLog });
    return { bus, index, cases, processor };
  }

  it('indexes every post, opens one case per claim and survives redelivery without duplicates', async () => {
    const { bus, index, cases, processor } = setup();
    const posts = [
      makePost({ text: 'Xông hơi sả chanh gừng diệt sạch virus corona, không cần đi tiêm' }),
      makePost({ text: 'xong hoi sa chanh gung diet sach virus corona, ko can di tiem' }),
      makePost({ text: 'Sở Y tế thông báo lịch tiêm vắc xin mũi 3' }),
    ];
    const messages = posts.map((p) => ({ key: p.id, value: JSON.stringify(p) }));
    await bus.publish(TOPICS.postsRaw, messages);
    await bus.publish(TOPICS.postsRaw, messages); // a crawler retry: the same posts again
    await processor.start();
    await until(async () => (await bus.lag('pipeline', TOPICS.postsRaw)) === 0);
    await processor.stop();
    expect(await index.count()).toBe(3);
    const list = await cases.list({ limit: 10, offset: 0 });
    expect(list.total).toBe(1);
    expect(list.items[0]!.postCount).toBe(2);
    expect(processor.stats).toMatchObject({
      processed: 6,
      flagged: 4,
      casesOpened: 1,
      postsAttached: 1,
      deadLettered: 0,
    });
  });

  it('takes a post given twice in one batch, edited in between, once: its case from the first copy', async () => {
    const { bus, index, cases, processor } = setup();
    const rumour = makePost({ text: 'Nghe nói từ 0h đêm nay phong tỏa toàn thành phố, cấm ra đường, share gấp' });
    const edited = { ...rumour, text: 'Tiêm vắc xin Covid xong bị vô sinh, đừng cho con đi tiêm' };
    const retracted = { ...rumour, text: 'Xin lỗi mọi người, tin phong tỏa lúc nãy là sai, Sở Y tế đã bác bỏ.' };
    await bus.publish(
      TOPICS.postsRaw,
      [rumour, edited, retracted].map((p) => ({ key: p.id, value: JSON.stringify(p) })),
    );
    await processor.start();
    await until(async () => (await bus.lag('pipeline', TOPICS.postsRaw)) === 0);
    await processor.stop();
    expect(processor.stats).toMatchObject({ processed: 3, flagged: 2, casesOpened: 1, failedBatches: 0 });
    const list = await cases.list({ limit: 10, offset: 0 });
    expect(list.items.map((c) => [c.postCount, c.claimType])).toEqual([[1, 'fake_order']]);
    expect((await index.get([rumour.id]))[0]!.post.text).toBe(retracted.text);
  });

  it('sends invalid UTF-8, invalid JSON, wrong schema and oversized posts to dead letters, and goes on', async () => {
    const { bus, index, processor } = setup();
    const good = makePost({ text: 'tin bình thường' });
    await bus.publish(TOPICS.postsRaw, [
      { key: 'utf8', value: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]) },
      { key: 'json', value: '{"id": ' },
      { key: 'schema', value: JSON.stringify({ id: 'p_1', text: 42 }) },
      { key: 'huge', value: JSON.stringify(makePost({ text: 'a'.repeat(10 * 1024 * 1024) })) },
      { key: good.id, value: JSON.stringify(good) },
    ]);
    await processor.start();
    await until(async () => (await bus.lag('pipeline', TOPICS.postsRaw)) === 0);
    await processor.stop();
    expect(await index.count()).toBe(1);
    const dead = await bus.read(TOPICS.postsDead);
    const reasons = Object.fromEntries(
      dead.map((d) => [d.key, JSON.parse(Buffer.from(d.value).toString()).reason as string]),
    );
    expect(reasons.utf8).toBe('invalid UTF-8 in message value');
    expect(reasons.json).toMatch(/^invalid JSON/);
    expect(reasons.schema).toMatch(/^not a post: .*text/s);
    expect(reasons.huge).toMatch(/longer than 200000 characters/);
    const original = JSON.parse(Buffer.from(dead[0]!.value).toString());
    expect([...Buffer.from(original.valueBase64, 'base64')]).toEqual([0x7b, 0x22, 0xff, 0x22, 0x7d]);
  });

  it('fails the batch when an engine fails, so the bus redelivers it', async () => {
    const dir = tempDir();
    const bus = SqliteBus.create({ file: join(dir, 'bus.sqlite') });
    const index = SqlitePostIndex.create({ file: join(dir, 'posts.sqlite') });
    const cases = SqliteCaseStore.create({ file: join(dir, 'cases.sqlite') });
    open.push(bus, cases);
    await index.close(); // the engine is gone: every write fails
    const p = new StreamProcessor({ bus, index, cases, classifier: new Classifier(), log: silentLog });
    const post = makePost();
    await expect(
      p.handleBatch([
        { topic: TOPICS.postsRaw, key: post.id, value: Buffer.from(JSON.stringify(post)), offset: '0', timestamp: '' },
      ]),
    ).rejects.toThrow(StorageError);
    expect(p.stats.processed).toBe(0);
  });
});
