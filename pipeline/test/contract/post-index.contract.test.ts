import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { classify } from '@kc/classifier';
import { describe, expect, it } from 'vitest';
import { EsPostIndex, type PostIndex, SqlitePostIndex } from '../../src/index.js';
import { makePost, tempDir } from '../helpers.js';

/** One contract, every PostIndex: SQLite FTS5 and a real Elasticsearch node (random index names). */
const adapters: [string, () => Promise<PostIndex>][] = [
  ['sqlite', async () => SqlitePostIndex.create({ file: join(tempDir(), 'posts.sqlite') })],
  [
    'elasticsearch',
    async () => {
      const node = process.env.ELASTICSEARCH_URL;
      if (!node) throw new Error('ELASTICSEARCH_URL is not set: the global setup should have started Elasticsearch');
      return EsPostIndex.create({ node, prefix: `test-${randomUUID().slice(0, 8)}-` });
    },
  ],
];

const entry = (text: string, over: Parameters<typeof makePost>[0] = {}) => {
  const post = makePost({ text, ...over });
  return { post, classification: classify(text), indexedAt: new Date().toISOString() };
};

describe.each(adapters)('PostIndex contract: %s', (_name, open) => {
  it('finds posts with or without diacritics, with đ folded, and filters flagged ones', async () => {
    const index = await open();
    await index.upsert([
      entry('Đồn rằng phong tỏa toàn thành phố từ 0h đêm nay, cấm ra đường'),
      entry('Giá cà phê tăng'),
    ]);
    for (const q of ['phong tỏa', 'phong toa', 'PHONG TOẢ', 'don rang', 'đồn']) {
      const r = await index.search({ q, limit: 10, offset: 0 });
      expect(r.total, q).toBe(1);
      expect(r.items[0]!.post.text).toContain('phong tỏa');
    }
    expect((await index.search({ flagged: true, limit: 10, offset: 0 })).total).toBe(1);
    expect((await index.search({ limit: 10, offset: 0 })).total).toBe(2);
    await index.close();
  }, 60_000);

  it('upserts by id: the same post twice is one post, the later version wins', async () => {
    const index = await open();
    const e = entry('Tin đồn vắc xin gây vô sinh');
    await index.upsert([e]);
    await index.upsert([{ ...e, post: { ...e.post, text: 'Tin đồn vắc xin gây vô sinh (sửa)' } }]);
    expect(await index.count()).toBe(1);
    expect((await index.get([e.post.id]))[0]!.post.text).toContain('(sửa)');
    expect((await index.search({ q: 'sua', limit: 10, offset: 0 })).total).toBe(1);
    expect(await index.get(['p_00000000000000000000000000000000'])).toEqual([]);
    await index.close();
  }, 60_000);

  it('treats query syntax in a search as plain words', async () => {
    const index = await open();
    await index.upsert([entry('phong tỏa')]);
    for (const q of [
      '"',
      'phong OR',
      'folded:phong',
      'NEAR(phong toa)',
      '*',
      ')(',
      "'; DROP TABLE posts; --",
      'phong AND NOT toa',
      '{"match_all":{}}',
    ]) {
      await expect(index.search({ q, limit: 10, offset: 0 })).resolves.toBeDefined();
    }
    expect((await index.search({ q: '*', limit: 10, offset: 0 })).total).toBe(0);
    expect(await index.count()).toBe(1);
    await index.close();
  }, 60_000);

  it('adds evidence once per file, and counts posts in a time range and region', async () => {
    const index = await open();
    const e = entry('Xông hơi sả chanh diệt virus corona', { region: 'Gia Lai / TP. Pleiku' });
    await index.upsert([e, entry('Giá cà phê', { region: 'Kiên Giang' })]);
    const ref = {
      sha256: 'a'.repeat(64),
      kind: 'screenshot' as const,
      url: e.post.url,
      capturedAt: new Date().toISOString(),
      bytes: 10,
    };
    await index.addEvidence(e.post.id, [ref]);
    const after = await index.addEvidence(e.post.id, [ref]);
    expect(after!.post.evidence.filter((x) => x.sha256 === ref.sha256)).toHaveLength(1);
    expect(await index.addEvidence('p_00000000000000000000000000000000', [ref])).toBeNull();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    expect(await index.stats(from, to)).toMatchObject({ monitored: 2, flagged: 1 });
    expect(await index.stats(from, to, 'Gia Lai')).toMatchObject({ monitored: 1, flagged: 1 });
    await index.close();
  }, 60_000);
  it('breaks flagged posts down by Vietnam day, claim kind, platform and region', async () => {
    const index = await open();
    // 16:30 UTC on 4 July is 23:30 on 4 July in Vietnam; 17:30 UTC is already 5 July there.
    const at = (day: number, hour: number) => new Date(Date.UTC(2021, 6, day, hour, 30)).toISOString();
    const cure = 'Xông hơi sả chanh diệt virus corona trong phổi, khỏi covid';
    const lockdown = 'Nghe nói phong tỏa toàn thành phố từ 0h đêm nay, cấm ra đường, share gấp';
    await index.upsert([
      entry(cure, { fetchedAt: at(4, 16), region: 'Gia Lai / TP. Pleiku' }),
      entry(cure, { fetchedAt: at(4, 17), region: 'Gia Lai / Chư Sê', platform: 'facebook' }),
      entry(lockdown, { fetchedAt: at(5, 2), region: 'Gia Lai / Chư Sê', platform: 'zalo' }),
      entry(lockdown, { fetchedAt: at(6, 2) }),
      entry('Giá cà phê hôm nay tăng nhẹ', { fetchedAt: at(5, 3), region: 'Gia Lai / TP. Pleiku' }),
      entry(cure, { fetchedAt: at(20, 3), region: 'Gia Lai / TP. Pleiku' }),
    ]);
    const from = new Date('2021-07-04T00:00:00+07:00').toISOString();
    const to = new Date('2021-07-07T00:00:00+07:00').toISOString();
    const s = await index.stats(from, to);
    expect(s).toEqual({
      monitored: 5,
      flagged: 4,
      flaggedByDay: { '2021-07-04': 1, '2021-07-05': 2, '2021-07-06': 1 },
      flaggedByKind: { false_cure: 2, fake_order: 2 },
      flaggedByPlatform: { web: 2, facebook: 1, zalo: 1 },
      flaggedByRegion: { 'Gia Lai / Chư Sê': 2, 'Gia Lai / TP. Pleiku': 1, unknown: 1 },
    });
    const district = await index.stats(from, to, 'Gia Lai / Chư');
    expect(district.flaggedByDay).toEqual({ '2021-07-04': 0, '2021-07-05': 2, '2021-07-06': 0 });
    expect(district.monitored).toBe(2);
    expect((await index.stats(from, to, '%')).monitored).toBe(0);
    await index.close();
  }, 60_000);

  it('filters by platform, region (prefix), claim kind and time range, with or without words', async () => {
    const index = await open();
    const at = (day: number) => new Date(Date.UTC(2021, 6, day, 3)).toISOString();
    await index.upsert([
      entry('Phong tỏa toàn thành phố từ 0h đêm nay, cấm ra đường', {
        platform: 'facebook',
        region: 'Gia Lai / TP. Pleiku',
        fetchedAt: at(1),
      }),
      entry('Xông hơi sả chanh diệt virus corona trong phổi', { platform: 'web', region: 'Gia Lai', fetchedAt: at(3) }),
      entry('Phong tỏa chợ Hàn từ 0h mai, cấm bán hàng', { platform: 'zalo', region: 'Đà Nẵng', fetchedAt: at(5) }),
      entry('Giá cà phê hôm nay', { platform: 'facebook', region: '50%_x', fetchedAt: at(5) }),
    ]);
    const total = async (q: Omit<Parameters<typeof index.search>[0], 'limit' | 'offset'>) =>
      (await index.search({ ...q, limit: 10, offset: 0 })).total;
    expect(await total({ platform: 'facebook' })).toBe(2);
    expect(await total({ region: 'Gia Lai' })).toBe(2);
    expect(await total({ region: 'Gia Lai / TP. Pleiku' })).toBe(1);
    expect(await total({ region: '%' })).toBe(0);
    expect(await total({ region: '50%_' })).toBe(1);
    expect(await total({ claimType: ['fake_order'] })).toBe(2);
    expect(await total({ claimType: ['false_cure', 'fake_order'] })).toBe(3);
    expect(await total({ from: at(2), to: at(5) })).toBe(1);
    expect(await total({ from: at(5) })).toBe(2);
    expect(await total({ q: 'phong toa', region: 'Gia Lai' })).toBe(1);
    expect(await total({ q: 'phong toa', platform: 'zalo', flagged: true })).toBe(1);
    await index.close();
  }, 60_000);
});
