/**
 * `npm run bench:memory -w tests [-- --posts 1000000 --mode embedded|kafka --heap-mb 256]`: the
 * resident memory of one `kc worker` while it processes a long stream, sampled from /proc every second,
 * with the kernel's own peak (VmHWM) at the end. Posts are published as the worker goes, at most
 * 50,000 ahead of it, the way crawlers feed it. One post in 20 repeats one of 400 rumours, so
 * cases collect reposts as they do in real life. Target (issue 8): under 400 MB. The worker runs
 * with the heap bound it is deployed with (infra/docker-compose.yml: NODE_OPTIONS
 * --max-old-space-size=256); `--heap-mb 0` leaves V8's default.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Bus, KafkaBus, type Post, SqliteBus, TOPICS } from '@kc/pipeline';
import { scaleOutEnv, tempDataDir } from '../helpers/app-process.js';
import { PLACES, processedBy, publishPosts, startWorker, webPost } from '../helpers/stream.js';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '1000000' },
    mode: { type: 'string', default: 'embedded' },
    'heap-mb': { type: 'string', default: '256' },
  },
});
const HEAP_MB = Number(values['heap-mb']);
if (!(Number.isInteger(HEAP_MB) && HEAP_MB >= 0))
  throw new Error('--heap-mb must be a whole number of MB (0: V8 default)');
const TOTAL = Number(values.posts);
const MODE = values.mode === 'kafka' ? 'kafka' : 'embedded';
const AHEAD = 50_000;
const CHUNK = 5_000;

const HOURS = ['0h', '6h', '12h', '18h', '20h', '22h', '23h', '21h', '19h', '5h'];
const WHAT = ['phong tỏa toàn bộ', 'cấm người dân ra đường'];

function post(i: number): Post {
  const r = Math.floor(i / 20);
  const text =
    i % 20 === 0
      ? `Nghe nói từ ${HOURS[r % HOURS.length]} mai ${PLACES[Math.floor(r / HOURS.length) % PLACES.length]} ${WHAT[Math.floor(r / 200) % 2]}, ai chưa mua đồ thì mua ngay. Share gấp cho người thân!`
      : `Giá cà phê hôm nay tăng nhẹ, bản tin thị trường số ${i}: cà phê Robusta ${(40 + (i % 17)).toFixed(1)} nghìn đồng một ký, hồ tiêu đi ngang, sầu riêng xuất khẩu tăng so với tuần trước.`;
  return webPost(
    `https://tin.example.vn/luong/${i}`,
    text,
    new Date(Date.UTC(2021, 6, 1) + i * 100).toISOString(),
    'memory',
  );
}

function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

async function main() {
  const env: Record<string, string> = {
    ...(MODE === 'kafka' ? scaleOutEnv('memory') : {}),
    KC_DATA_DIR: tempDataDir('kc-memory-'),
    NODE_OPTIONS: HEAP_MB > 0 ? `--max-old-space-size=${HEAP_MB}` : '',
  };
  const bus: Bus =
    MODE === 'kafka'
      ? await KafkaBus.create({ brokers: env.KAFKA_BROKERS!.split(','), prefix: env.KC_KAFKA_PREFIX! })
      : SqliteBus.create({ file: join(env.KC_DATA_DIR!, 'bus.sqlite') });
  const worker = startWorker(env);
  const pid = worker.child.pid!;
  const started = Date.now();
  const samples: { processed: number; rss: number }[] = [];
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const m = memoryOf(pid);
      peak = Math.max(peak, m.rss);
      samples.push({ processed: processedBy(worker), rss: m.rss });
    } catch {
      // The worker has exited.
    }
  }, 1_000);
  let published = 0;
  let hwm = 0;
  try {
    while (published < TOTAL) {
      const lag = await bus.lag('pipeline', TOPICS.postsRaw);
      if (lag > AHEAD) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const n = Math.min(CHUNK, TOTAL - published);
      await publishPosts(
        bus,
        Array.from({ length: n }, (_, k) => post(published + k)),
      );
      published += n;
      if (published % 100_000 === 0) {
        const at = samples.at(-1);
        process.stderr.write(
          `${published.toLocaleString('en')} published, ${at?.processed.toLocaleString('en') ?? 0} processed, RSS ${at?.rss.toFixed(0) ?? '?'} MB\n`,
        );
      }
      if (worker.child.exitCode !== null) throw new Error(`the worker exited:\n${worker.output().slice(-3000)}`);
    }
    while ((await bus.lag('pipeline', TOPICS.postsRaw)) > 0) await new Promise((r) => setTimeout(r, 500));
    hwm = memoryOf(pid).hwm;
  } finally {
    clearInterval(sampler);
    worker.child.kill('SIGTERM');
    await worker.exited;
    if (process.env.KC_BENCH_DEBUG) process.stderr.write(worker.output().slice(-2000));
    await bus.close();
  }
  const seconds = (Date.now() - started) / 1000;
  const at = (share: number) => {
    const s = share >= 1 ? samples.at(-1) : samples.find((x) => x.processed >= TOTAL * share);
    return s ? `${s.rss.toFixed(0)} MB` : '—';
  };
  process.stdout.write(
    [
      `pipeline memory, ${MODE}, heap ${HEAP_MB > 0 ? `bound at ${HEAP_MB} MB` : 'V8 default'}: ${TOTAL.toLocaleString('en')} posts in ${seconds.toFixed(0)} s (${(TOTAL / seconds).toFixed(0)} posts/s)`,
      `| processed | 10% | 25% | 50% | 75% | 100% | peak sampled | peak (VmHWM) | target |`,
      `|---|---|---|---|---|---|---|---|---|`,
      `| RSS | ${at(0.1)} | ${at(0.25)} | ${at(0.5)} | ${at(0.75)} | ${at(1)} | ${peak.toFixed(0)} MB | ${hwm.toFixed(0)} MB | < 400 MB: ${hwm < 400 ? 'met' : 'NOT met'} |`,
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
