import { Client } from '@elastic/elasticsearch';
import { Classifier } from '@kc/classifier';
import { EsCaseStore, KafkaBus, type Post, postId, TOPICS } from '@kc/pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { type Child, scaleOutEnv, spawnTsx, tempDataDir, waitFor } from '../helpers/app-process.js';

type Worker = Child;

function startWorker(env: Record<string, string>): Worker {
  return spawnTsx('infra/src/cli.ts', ['worker'], { KC_LOG_LEVEL: 'warn', ...env });
}

/** Processed-post count in a worker's last progress line. */
function processedBy(w: Worker): number {
  const all = [...w.output().matchAll(/: (\d+) bài · /g)];
  return all.length > 0 ? Number(all[all.length - 1]![1]) : 0;
}

const PLACES = [
  'Pleiku',
  'Biên Hòa',
  'Thủ Dầu Một',
  'Quận 8',
  'Hải Châu',
  'Ninh Kiều',
  'Vĩnh Yên',
  'Hạ Long',
  'Phan Thiết',
  'Rạch Giá',
  'Cà Mau',
  'Long Xuyên',
  'Mỹ Tho',
  'Bắc Ninh',
  'Thái Nguyên',
  'Đồng Hới',
  'Vinh',
  'Tuy Hòa',
  'Quy Nhơn',
  'Buôn Ma Thuột',
];

function makePosts(from: number, count: number): Post[] {
  const posts: Post[] = [];
  for (let i = from; i < from + count; i++) {
    const url = `https://tin.example.vn/bai/${i}`;
    // One post in five repeats one of twenty rumours; the rest are ordinary news.
    const text =
      i % 5 === 0
        ? `Nghe nói từ 0h mai ${PLACES[(i / 5) % PLACES.length]} phong tỏa toàn bộ, cấm người dân ra đường, ai chưa mua đồ thì mua ngay. Share gấp cho người thân!`
        : `Giá cà phê hôm nay tăng nhẹ, bản tin thị trường số ${i}`;
    posts.push({
      id: postId('web', { url }),
      platform: 'web',
      sourceId: 'load',
      url,
      platformPostId: null,
      title: null,
      text,
      author: null,
      publishedAt: null,
      fetchedAt: new Date(Date.UTC(2021, 6, 1) + i * 1000).toISOString(),
      region: null,
      metrics: null,
      evidence: [],
      tags: [],
      tipNote: null,
    });
  }
  return posts;
}

/**
 * Two `kc worker` processes share the Kafka consumer group; one is killed with SIGKILL in the
 * middle of the stream. The survivor takes over its partitions, and in the end every post is in
 * Elasticsearch once and every flagged post is attached to exactly one case, one case per rumour.
 */
describe('scale-out: two pipeline workers, one killed mid-stream', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    workers.length = 0;
  });

  it('loses no post and duplicates no case', { timeout: 240_000 }, async () => {
    const dataDir = tempDataDir('kc-workers-');
    const env: Record<string, string> = {
      ...scaleOutEnv('w'),
      KC_DATA_DIR: dataDir,
      KC_HOST: '127.0.0.1',
      KC_HEALTH_PORT: '0',
    };
    const brokers = env.KAFKA_BROKERS!;
    const node = env.ELASTICSEARCH_URL!;
    const bus = await KafkaBus.create({ brokers: brokers.split(','), prefix: env.KC_KAFKA_PREFIX! });
    const es = new Client({ node });
    const index = `${env.KC_ES_PREFIX!}posts`;
    const publish = async (posts: Post[]) => {
      for (let i = 0; i < posts.length; i += 500) {
        await bus.publish(
          TOPICS.postsRaw,
          posts.slice(i, i + 500).map((p) => ({ key: p.id, value: JSON.stringify(p) })),
        );
      }
    };
    try {
      const first = makePosts(0, 4_000);
      const second = makePosts(4_000, 4_000);
      await publish(first);

      const a = startWorker(env);
      const b = startWorker(env);
      workers.push(a, b);
      await waitFor('worker A to process part of the stream', async () => processedBy(a) >= 500, 90_000);
      a.child.kill('SIGKILL');
      expect(await a.exited).toBeNull();
      const doneByA = processedBy(a);
      // The stream goes on while A is dead: B must take over A's partitions for these.
      await publish(second);

      const total = first.length + second.length;
      await waitFor(
        'every post processed and committed',
        async () => {
          if ((await bus.lag('pipeline', TOPICS.postsRaw)) !== 0) return false;
          await es.indices.refresh({ index });
          return (await es.count({ index })).count === total;
        },
        180_000,
      );
      // The survivor reports itself ready: bus, index and cases answer.
      const health = /kiểm tra hoạt động tại (http:\/\/\S+)/.exec(b.output())?.[1];
      expect(health, b.output()).toBeDefined();
      const ready = await fetch(health!);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ok: true, checks: { bus: 'ok', index: 'ok', cases: 'ok' } });
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      expect(b.output()).toContain('đã dừng');
      expect(doneByA).toBeGreaterThan(0);
      // The second wave went to every partition while A was dead: B took over A's share.
      expect(processedBy(b)).toBeGreaterThanOrEqual(second.length);

      const all = [...first, ...second];
      const classifier = new Classifier();
      const flagged = all.filter((p) => classifier.classify(p.text).flagged);
      const keys = new Set(flagged.map((p) => classifier.classify(p.text).claimKey));
      expect(flagged.length).toBe(all.length / 5);
      expect(keys.size).toBe(PLACES.length);

      // Every post id is there (no loss), and nothing else is (no duplicate).
      const present = await es.count({ index, query: { terms: { id: all.map((p) => p.id) } } });
      expect(present.count).toBe(total);
      const esFlagged = await es.count({ index, query: { term: { flagged: true } } });
      expect(esFlagged.count).toBe(flagged.length);

      const cases = await EsCaseStore.create({ node, prefix: env.KC_ES_PREFIX! });
      try {
        const list = await cases.list({ limit: 1_000, offset: 0 });
        expect(list.total).toBe(keys.size);
        expect(new Set(list.items.map((c) => c.claimKey)).size).toBe(keys.size);
        expect(list.items.reduce((n, c) => n + c.postCount, 0)).toBe(flagged.length);
        const detail = await cases.get(list.items[0]!.id);
        expect(new Set(detail!.postIds).size).toBe(detail!.postIds.length);
        expect((await cases.verifyAudit()).ok).toBe(true);
      } finally {
        await cases.close();
      }
    } finally {
      await bus.close();
      await es.close();
    }
  });
  it('SIGTERM mid-stream: the worker commits what it did and exits 0; the next one does exactly the rest', {
    timeout: 240_000,
  }, async () => {
    const env: Record<string, string> = { ...scaleOutEnv('t'), KC_DATA_DIR: tempDataDir('kc-workers-') };
    const bus = await KafkaBus.create({ brokers: env.KAFKA_BROKERS!.split(','), prefix: env.KC_KAFKA_PREFIX! });
    try {
      const posts = makePosts(0, 6_000);
      for (let i = 0; i < posts.length; i += 500) {
        await bus.publish(
          TOPICS.postsRaw,
          posts.slice(i, i + 500).map((p) => ({ key: p.id, value: JSON.stringify(p) })),
        );
      }
      const a = startWorker(env);
      workers.push(a);
      await waitFor('the first worker to be in the middle of the stream', async () => processedBy(a) >= 500, 90_000);
      a.child.kill('SIGTERM');
      expect(await a.exited).toBe(0);
      expect(a.output()).toContain('đã dừng');
      const doneByA = processedBy(a);
      expect(doneByA).toBeLessThan(posts.length);
      expect(await bus.lag('pipeline', TOPICS.postsRaw)).toBe(posts.length - doneByA);

      const b = startWorker(env);
      workers.push(b);
      await waitFor('the rest', async () => (await bus.lag('pipeline', TOPICS.postsRaw)) === 0, 180_000);
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      // Nothing lost, nothing done twice: B did exactly what A had not committed.
      expect(processedBy(b)).toBe(posts.length - doneByA);
    } finally {
      await bus.close();
    }
  });
});
