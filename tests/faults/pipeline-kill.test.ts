import { join } from 'node:path';
import { KafkaBus, SqliteBus, TOPICS } from '@kc/pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { type Child, scaleOutEnv, tempDataDir, waitFor } from '../helpers/app-process.js';
import { expectExactlyOnce, makePosts, processedBy, publishPosts, startWorker } from '../helpers/stream.js';

/**
 * kill -9 of the pipeline in the middle of a batch, in both modes: the worker dies between
 * writing a batch and committing its position, so the next worker gets part of that batch again.
 * The final state must hold every post exactly once.
 */
describe.each([
  {
    mode: 'embedded (SQLite)',
    env: () => ({ KC_DATA_DIR: tempDataDir('kc-fault-kill-') }),
    bus: (env: Record<string, string>) => SqliteBus.create({ file: join(env.KC_DATA_DIR!, 'bus.sqlite') }),
  },
  {
    mode: 'scale-out (Kafka + Elasticsearch)',
    env: () => ({ ...scaleOutEnv('kill'), KC_DATA_DIR: tempDataDir('kc-fault-kill-') }),
    bus: (env: Record<string, string>) =>
      KafkaBus.create({ brokers: env.KAFKA_BROKERS!.split(','), prefix: env.KC_KAFKA_PREFIX! }),
  },
])('kill -9 of the pipeline mid-batch, $mode', ({ env: makeEnv, bus: openBus }) => {
  const workers: Child[] = [];
  afterEach(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    workers.length = 0;
  });

  it('the next worker finishes the stream; every post is processed exactly once', { timeout: 240_000 }, async () => {
    const env = makeEnv();
    const bus = await openBus(env);
    try {
      const posts = makePosts(0, 20_000);
      await publishPosts(bus, posts);
      const a = startWorker(env);
      workers.push(a);
      // Killed as soon as it has committed a few batches: it is then always inside the next one.
      await waitFor(
        'the worker to be in the middle of the stream',
        async () => (await bus.lag('pipeline', TOPICS.postsRaw)) <= posts.length - 1_000,
        120_000,
        20,
      );
      a.child.kill('SIGKILL');
      expect(await a.exited).toBeNull();
      const lagAfterKill = await bus.lag('pipeline', TOPICS.postsRaw);
      expect(lagAfterKill).toBeGreaterThan(0);

      const b = startWorker(env);
      workers.push(b);
      await waitFor('the rest of the stream', async () => (await bus.lag('pipeline', TOPICS.postsRaw)) === 0, 180_000);
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      // B starts at A's last committed position: it redoes A's uncommitted batch, and nothing more.
      expect(processedBy(b)).toBe(lagAfterKill);
      await expectExactlyOnce(env, posts);
    } finally {
      await bus.close();
    }
  });
});
