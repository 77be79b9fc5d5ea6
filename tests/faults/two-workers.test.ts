import { Client } from '@elastic/elasticsearch';
import { KafkaBus, type Post, TOPICS } from '@kc/pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { type Child, scaleOutEnv, tempDataDir, waitFor } from '../helpers/app-process.js';
import {
  expectExactlyOnce,
  healthUrl,
  makePosts,
  processedBy,
  publishPosts,
  startWorker,
  waitForGroup,
} from '../helpers/stream.js';

type Worker = Child;

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
    const env: Record<string, string> = { ...scaleOutEnv('w'), KC_DATA_DIR: tempDataDir('kc-workers-') };
    const brokers = env.KAFKA_BROKERS!;
    const node = env.ELASTICSEARCH_URL!;
    const bus = await KafkaBus.create({ brokers: brokers.split(','), prefix: env.KC_KAFKA_PREFIX! });
    const es = new Client({ node });
    const index = `${env.KC_ES_PREFIX!}posts`;
    const publish = (posts: Post[]) => publishPosts(bus, posts);
    try {
      // Enough posts that A is still at work when it is killed (a worker does several thousand
      // a second), published once both workers share the partitions.
      const first = makePosts(0, 30_000);
      const second = makePosts(30_000, 4_000);
      const a = startWorker(env);
      const b = startWorker(env);
      workers.push(a, b);
      await waitForGroup(env, 2);
      await publish(first);
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
      const health = healthUrl(b);
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

      await expectExactlyOnce(env, [...first, ...second]);
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
      // Enough that the worker is still at work at its first progress line (every 2 s).
      const posts = makePosts(0, 30_000);
      await publishPosts(bus, posts);
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
      await expectExactlyOnce(env, posts);
    } finally {
      await bus.close();
    }
  });
});
