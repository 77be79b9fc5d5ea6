/**
 * Fills an embedded data directory with many cases (and their posts) before the app starts, for
 * the tests and benchmarks that need a province's worth of data: the same stores the app uses,
 * the same writes the pipeline makes (recordFlaggedPost, upsert), only without the crawl.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classify } from '@kc/classifier';
import { type IndexedPost, type Post, postId, SqliteCaseStore, SqlitePostIndex } from '@kc/pipeline';
import { tempDataDir } from './app-process.js';

const RUMOURS = [
  'Nghe nói từ 0h đêm nay phong tỏa toàn bộ {place}, cấm ra đường, ai chưa mua đồ thì mua ngay, share gấp',
  'Xông hơi bằng sả chanh gừng diệt được virus corona trong phổi, người ở {place} làm khỏi hết rồi',
  'Tin nội bộ: bệnh viện {place} giấu {n} ca tử vong vì Covid, không công bố cho dân biết',
  'Tiêm vắc xin Covid xong nhiều chị em ở {place} bị vô sinh, đừng cho con đi tiêm',
  'Công văn số {n}/UBND-VX của {place}: hộ nào chưa tiêm đủ 2 mũi bị cắt điện nước từ tuần sau',
  'Cài PC-Covid là bị lấy cắp tài khoản ngân hàng, người ở {place} mất hết tiền rồi, gỡ ngay',
];
const PLACES = [
  'Pleiku',
  'Chư Sê',
  'An Khê',
  'Ayun Pa',
  'Đak Đoa',
  'Chư Păh',
  'Ia Grai',
  'Mang Yang',
  'Kbang',
  'Đức Cơ',
];
const PLATFORMS = ['facebook', 'zalo', 'web', 'tiktok'] as const;

/** Opens `count` cases, each with one flagged post, in `dataDir`; returns how long it took. */
export async function seedCases(dataDir: string, count: number): Promise<{ ms: number }> {
  const started = Date.now();
  const cases = SqliteCaseStore.create({ file: join(dataDir, 'cases.sqlite') });
  const index = SqlitePostIndex.create({ file: join(dataDir, 'posts.sqlite') });
  const templates = RUMOURS.map((r) => classify(r.replace('{place}', 'Gia Lai').replace('{n}', '12')));
  let batch: IndexedPost[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const place = PLACES[i % PLACES.length]!;
      const text = `${RUMOURS[i % RUMOURS.length]!.replace('{place}', place).replace('{n}', String(100 + (i % 900)))} (#${i})`;
      const url = `https://tin.example.vn/seed/${i}`;
      const at = new Date(Date.UTC(2021, 6, 1) + i * 20_000).toISOString();
      const platform = PLATFORMS[i % PLATFORMS.length]!;
      // Each seeded post is its own claim: the template's classification with a claim key of its own.
      const classification = {
        ...templates[i % RUMOURS.length]!,
        knownClaimIds: [],
        claimKey: `text:${createHash('sha256').update(String(i)).digest('hex').slice(0, 16)}`,
      };
      const post: Post = {
        id: postId('web', { url }),
        platform,
        sourceId: 'seed',
        url,
        platformPostId: null,
        title: null,
        text,
        author: { handle: `nguoi.dang.${i % 5000}`, name: null, profileUrl: null },
        publishedAt: at,
        fetchedAt: at,
        region: `Gia Lai / ${place}`,
        metrics: { reactions: i % 997, comments: i % 89, shares: i % 53 },
        evidence: [],
        tags: [],
        tipNote: null,
      };
      batch.push({ post, classification, indexedAt: at });
      if (batch.length === 1_000) {
        await index.upsert(batch);
        batch = [];
      }
      await cases.recordFlaggedPost({
        postId: post.id,
        title: '',
        text,
        classification,
        author: post.author,
        at,
        reach: (i % 997) + 2 * (i % 89) + 3 * (i % 53),
        platform,
        region: post.region,
      });
    }
    if (batch.length > 0) await index.upsert(batch);
  } finally {
    await cases.close();
    await index.close();
  }
  return { ms: Date.now() - started };
}

/**
 * A fresh data directory holding `count` seeded cases. Seeding 100,000 cases takes about two
 * minutes on a 2-core machine, so the seeded files are kept in ~/.cache/kiem-chung (keyed by
 * this file's content) and copied for each run; the app migrates them forward like any data.
 */
export async function seededDataDir(count: number): Promise<{ dataDir: string; seededMs: number | null }> {
  const source = readFileSync(fileURLToPath(import.meta.url));
  const key = createHash('sha256').update(source).update(String(count)).digest('hex').slice(0, 12);
  const cache = join(homedir(), '.cache', 'kiem-chung', `seeded-${count}-${key}`);
  let seededMs: number | null = null;
  // The directory appears by an atomic rename once complete, so it is either whole or absent.
  if (!existsSync(cache)) {
    const work = tempDataDir('kc-seed-');
    seededMs = (await seedCases(work, count)).ms;
    rmSync(cache, { recursive: true, force: true });
    cpSync(work, `${cache}.tmp`, { recursive: true });
    rmSync(work, { recursive: true, force: true });
    renameSync(`${cache}.tmp`, cache);
  }
  const dataDir = tempDataDir();
  for (const file of ['cases.sqlite', 'posts.sqlite']) cpSync(join(cache, file), join(dataDir, file));
  return { dataDir, seededMs };
}
