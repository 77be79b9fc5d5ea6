/**
 * `npm run bench -w pipeline`: posts per second through the whole stream processor (bus →
 * validate → classify → index → cases), beside the raw cost of the engine alone for the same
 * documents in the same run (the ratio is the figure):
 *   embedded:  SQLite bus → SQLite FTS5 index + SQLite cases, beside SQLite index inserts alone;
 *   scale-out: Kafka → Elasticsearch index + Elasticsearch cases, beside an Elasticsearch bulk alone.
 * Scale-out runs when KAFKA_BROKERS and ELASTICSEARCH_URL are set (`npm run engines:start`
 * prints them). Figures, not assertions. `BENCH_POSTS` sets the number of posts (default 20,000).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Classifier } from '@kc/classifier';
import {
  type Bus,
  type CaseStore,
  EsCaseStore,
  EsPostIndex,
  type IndexedPost,
  KafkaBus,
  type Post,
  type PostIndex,
  postId,
  SqliteBus,
  SqliteCaseStore,
  SqlitePostIndex,
  StreamProcessor,
  TOPICS,
} from '../src/index.js';

const N = Number(process.env.BENCH_POSTS ?? 20_000);
if (!(N >= 1_000)) throw new RangeError('BENCH_POSTS must be at least 1000');
const BATCH = 500;
const silent = { info() {}, warn() {}, error() {} };

const NEWS = [
  'Sở Y tế tỉnh thông báo lịch tiêm vắc xin mũi 3 tại các trạm y tế phường, xã trên địa bàn thành phố.',
  'Giá cà phê hôm nay tăng nhẹ ở Tây Nguyên, thương lái thu mua quanh mức 40 nghìn đồng một ký.',
  'UBND huyện tổ chức hội nghị triển khai kế hoạch chuyển đổi số năm 2022, các phòng ban phối hợp thực hiện.',
  'Đội bóng địa phương thắng 2-0 trên sân nhà, cổ động viên đến xem rất đông trong chiều chủ nhật.',
];
const RUMOURS = [
  'Nghe nói từ 0h mai thành phố phong tỏa toàn bộ, cấm người dân ra đường, ai chưa mua đồ thì mua ngay. Share gấp!',
  'Xông hơi bằng lá sả, lá chanh mỗi ngày diệt sạch virus corona trong phổi, không cần đi tiêm vắc xin nữa đâu mọi người ơi.',
];

/** About 300 characters each; one post in twenty repeats a rumour. */
function makePosts(run: string): Post[] {
  return Array.from({ length: N }, (_, i) => {
    const url = `https://tin.example.vn/${run}/${i}`;
    const rumour = i % 20 === 0;
    const base = rumour ? RUMOURS[(i / 20) % RUMOURS.length]! : NEWS[i % NEWS.length]!;
    // A rumour is padded with neutral news (market, football), not with an official plan, which
    // would be a counter-signal and make the flagged count depend on the post's number.
    const pad = rumour ? [NEWS[1], NEWS[3]] : [NEWS[(i + 1) % NEWS.length], NEWS[(i + 2) % NEWS.length]];
    return {
      id: postId('web', { url }),
      platform: 'web',
      sourceId: 'bench',
      url,
      platformPostId: null,
      title: `Bài số ${i}`,
      text: `${base} ${pad[0]} ${pad[1]}`.slice(0, 300),
      author: null,
      publishedAt: null,
      fetchedAt: new Date(Date.UTC(2021, 6, 1) + i * 1_000).toISOString(),
      region: 'Gia Lai',
      metrics: null,
      evidence: [],
      tags: [],
      tipNote: null,
    } satisfies Post;
  });
}

async function publishAll(bus: Bus, posts: readonly Post[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < posts.length; i += BATCH) {
    await bus.publish(
      TOPICS.postsRaw,
      posts.slice(i, i + BATCH).map((p) => ({ key: p.id, value: JSON.stringify(p) })),
    );
  }
  return performance.now() - started;
}

async function runPipeline(bus: Bus, index: PostIndex, cases: CaseStore, group: string): Promise<number> {
  const processor = new StreamProcessor({ bus, index, cases, classifier: new Classifier(), log: silent });
  const started = performance.now();
  await processor.start({ group, maxBatch: BATCH });
  while (processor.stats.processed + processor.stats.deadLettered < N) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - started;
  await processor.stop();
  if (processor.stats.flagged !== N / 20) {
    throw new Error(`expected ${N / 20} flagged posts, got ${processor.stats.flagged}`);
  }
  return ms;
}

async function engineAlone(index: PostIndex, docs: readonly IndexedPost[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < docs.length; i += BATCH) await index.upsert(docs.slice(i, i + BATCH));
  return performance.now() - started;
}

const rate = (ms: number) => Math.round(N / (ms / 1000));
const rows: string[][] = [];
function report(mode: string, pipelineMs: number, engineMs: number, publishMs: number) {
  rows.push([
    mode,
    `${rate(pipelineMs).toLocaleString('en')} posts/s`,
    `${rate(engineMs).toLocaleString('en')} posts/s`,
    `${(engineMs / pipelineMs).toFixed(2)}`,
    `${rate(publishMs).toLocaleString('en')} posts/s`,
  ]);
}

const classifier = new Classifier();
const posts = makePosts(randomUUID().slice(0, 8));
const indexedAt = new Date().toISOString();
const classifyStarted = performance.now();
const docs: IndexedPost[] = posts.map((post) => ({
  post,
  classification: classifier.classify(`${post.title}\n${post.text}`),
  indexedAt,
}));
const classifyMs = performance.now() - classifyStarted;
console.log(`${N.toLocaleString('en')} posts of ~300 characters, batches of ${BATCH}; one in 20 is a rumour.`);
console.log(`classifier alone: ${rate(classifyMs).toLocaleString('en')} posts/s`);

// Embedded: everything on SQLite files in a temporary directory.
{
  const dir = mkdtempSync(join(tmpdir(), 'kc-bench-'));
  try {
    const bus = SqliteBus.create({ file: join(dir, 'bus.sqlite') });
    const publishMs = await publishAll(bus, posts);
    const index = SqlitePostIndex.create({ file: join(dir, 'posts.sqlite') });
    const cases = SqliteCaseStore.create({ file: join(dir, 'cases.sqlite') });
    const pipelineMs = await runPipeline(bus, index, cases, 'pipeline');
    const raw = SqlitePostIndex.create({ file: join(dir, 'raw.sqlite') });
    const engineMs = await engineAlone(raw, docs);
    report('embedded (SQLite)', pipelineMs, engineMs, publishMs);
    await Promise.all([bus.close(), index.close(), raw.close()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Scale-out: Kafka and Elasticsearch, when they are running.
const brokers = process.env.KAFKA_BROKERS;
const node = process.env.ELASTICSEARCH_URL;
if (brokers && node) {
  const run = `bench-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'kc-bench-'));
  try {
    const bus = await KafkaBus.create({ brokers: brokers.split(','), prefix: `${run}.` });
    const publishMs = await publishAll(bus, posts);
    const index = await EsPostIndex.create({ node, prefix: `${run}-` });
    const cases = await EsCaseStore.create({ node, prefix: `${run}-` });
    const pipelineMs = await runPipeline(bus, index, cases, 'pipeline');
    await cases.drop();
    const raw = await EsPostIndex.create({ node, prefix: `${run}-raw-` });
    const engineMs = await engineAlone(raw, docs);
    report('scale-out (Kafka → Elasticsearch)', pipelineMs, engineMs, publishMs);
    await Promise.all([bus.close(), index.drop(), raw.drop()]);
    await Promise.all([index.close(), raw.close()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log('scale-out: skipped (set KAFKA_BROKERS and ELASTICSEARCH_URL; `npm run engines:start` prints them)');
}

console.log('');
console.log('| mode | pipeline end to end | engine alone, same documents | ratio | publish to the bus |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
