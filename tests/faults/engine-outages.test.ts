import { KafkaBus, type Post, TOPICS } from '@kc/pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { type Child, scaleOutEnv, tempDataDir, waitFor } from '../helpers/app-process.js';
import { startEngine, stopEngine } from '../helpers/engines.js';
import { expectExactlyOnce, healthUrl, makePosts, processedBy, publishPosts, startWorker } from '../helpers/stream.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readiness(w: Child): Promise<{ status: number; body: { ok: boolean; checks: Record<string, string> } }> {
  const res = await fetch(healthUrl(w)!, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as { ok: boolean; checks: Record<string, string> } };
}

/** Waits until the worker's /readyz answers 503. */
function notReady(w: Child, what: string) {
  return waitFor(
    `readyz to report ${what} down`,
    async () => {
      const r = await readiness(w);
      return r.status === 503 ? r : undefined;
    },
    30_000,
  );
}

/** Waits for the stream to drain, stops the worker cleanly, and checks the final state. */
async function drainAndCheck(w: Child, bus: KafkaBus, env: Record<string, string>, posts: readonly Post[]) {
  await waitFor(
    'the stream to drain after the restart',
    async () => (await bus.lag('pipeline', TOPICS.postsRaw)) === 0,
    240_000,
  );
  expect((await readiness(w)).status).toBe(200);
  w.child.kill('SIGTERM');
  expect(await w.exited).toBe(0);
  await expectExactlyOnce(env, posts);
}

/**
 * The engines of the scale-out mode go away under a running `kc worker`: Elasticsearch is
 * stopped for 60 s, the Kafka broker is restarted. The worker stays up, says what is wrong on
 * /readyz and in its log, and once the engine is back finishes the stream exactly once.
 */
describe('engine outages under a running worker (Kafka + Elasticsearch)', () => {
  const workers: Child[] = [];
  afterEach(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    workers.length = 0;
  });

  it('Elasticsearch stopped for 60 s, then restarted: nothing lost, nothing doubled', {
    timeout: 420_000,
  }, async () => {
    const env: Record<string, string> = { ...scaleOutEnv('esdown'), KC_DATA_DIR: tempDataDir('kc-fault-es-') };
    const bus = await KafkaBus.create({ brokers: env.KAFKA_BROKERS!.split(','), prefix: env.KC_KAFKA_PREFIX! });
    let esStopped = false;
    try {
      const first = makePosts(0, 4_000);
      const second = makePosts(4_000, 2_000);
      await publishPosts(bus, first);
      const w = startWorker(env);
      workers.push(w);
      await waitFor('the worker to be in the middle of the stream', async () => processedBy(w) >= 1_000, 120_000);

      await stopEngine('elasticsearch');
      esStopped = true;
      const stoppedAt = Date.now();
      // Posts keep arriving while the index is down: the bus holds them.
      await publishPosts(bus, second);
      const down = await notReady(w, 'the index');
      expect(down.body.ok).toBe(false);
      expect(down.body.checks.bus).toBe('ok');
      expect(down.body.checks.index).not.toBe('ok');
      await sleep(5_000); // a progress line is printed every 2 s
      const stuck = processedBy(w);
      await sleep(Math.max(0, 60_000 - (Date.now() - stoppedAt)));
      expect(w.child.exitCode, 'the worker must outlive the outage').toBeNull();
      expect(processedBy(w), 'nothing is counted as done while the index is down').toBe(stuck);
      expect(w.output()).toMatch(/pipeline batch failed; it will be retried/);

      await startEngine('elasticsearch');
      esStopped = false;
      await drainAndCheck(w, bus, env, [...first, ...second]);
    } catch (err) {
      for (const w of workers) {
        const lines = w
          .output()
          .split('\n')
          .filter((l) => !/ bài · /.test(l));
        process.stderr.write(`--- worker output without progress lines ---\n${lines.slice(-80).join('\n')}\n`);
      }
      throw err;
    } finally {
      if (esStopped) await startEngine('elasticsearch');
      await bus.close();
    }
  });

  it('Kafka broker restarted mid-stream: the worker reconnects and finishes exactly once', {
    timeout: 300_000,
  }, async () => {
    const env: Record<string, string> = { ...scaleOutEnv('kafkarestart'), KC_DATA_DIR: tempDataDir('kc-fault-kafka-') };
    const brokers = env.KAFKA_BROKERS!.split(',');
    let bus = await KafkaBus.create({ brokers, prefix: env.KC_KAFKA_PREFIX! });
    let kafkaStopped = false;
    try {
      const first = makePosts(0, 5_000);
      const second = makePosts(5_000, 2_000);
      await publishPosts(bus, first);
      const w = startWorker(env);
      workers.push(w);
      await waitFor('the worker to be in the middle of the stream', async () => processedBy(w) >= 1_000, 120_000);

      await bus.close();
      await stopEngine('kafka');
      kafkaStopped = true;
      const down = await notReady(w, 'the bus');
      expect(down.body.checks.bus).not.toBe('ok');
      await sleep(5_000);
      await startEngine('kafka');
      kafkaStopped = false;
      expect(w.child.exitCode, 'the worker must outlive the broker restart').toBeNull();

      bus = await KafkaBus.create({ brokers, prefix: env.KC_KAFKA_PREFIX! });
      await publishPosts(bus, second);
      await drainAndCheck(w, bus, env, [...first, ...second]);
    } finally {
      if (kafkaStopped) await startEngine('kafka');
      await bus.close().catch(() => {});
    }
  });
});
