/**
 * What the fault tests share: a stream of posts to publish, the progress a `kc worker` prints,
 * and the exactly-once check every fault test ends with.
 */
import { Client } from '@elastic/elasticsearch';
import { Classifier } from '@kc/classifier';
import { loadConfig, openStores, storeOptions } from '@kc/infra';
import type { Bus, CaseDetail, IndexedPost, Post } from '@kc/pipeline';
import { postId, TOPICS } from '@kc/pipeline';
import { Kafka, logLevel } from 'kafkajs';
import { expect } from 'vitest';
import { type Child, spawnTsx, waitFor } from './app-process.js';

export const PLACES = [
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

/** A web post as a crawler would publish it. */
export function webPost(url: string, text: string, fetchedAt: string, sourceId = 'load'): Post {
  return {
    id: postId('web', { url }),
    platform: 'web',
    sourceId,
    url,
    platformPostId: null,
    title: null,
    text,
    author: null,
    publishedAt: null,
    fetchedAt,
    region: null,
    metrics: null,
    evidence: [],
    tags: [],
    tipNote: null,
  };
}

/** Posts `from`…`from+count-1`: one in five repeats one of twenty lockdown rumours, the rest are market news. */
export function makePosts(from: number, count: number): Post[] {
  const posts: Post[] = [];
  for (let i = from; i < from + count; i++) {
    const text =
      i % 5 === 0
        ? `Nghe nói từ 0h mai ${PLACES[(i / 5) % PLACES.length]} phong tỏa toàn bộ, cấm người dân ra đường, ai chưa mua đồ thì mua ngay. Share gấp cho người thân!`
        : `Giá cà phê hôm nay tăng nhẹ, bản tin thị trường số ${i}`;
    posts.push(
      webPost(`https://tin.example.vn/bai/${i}`, text, new Date(Date.UTC(2021, 6, 1) + i * 1000).toISOString()),
    );
  }
  return posts;
}

export async function publishPosts(bus: Bus, posts: readonly Post[]): Promise<void> {
  for (let i = 0; i < posts.length; i += 500) {
    await bus.publish(
      TOPICS.postsRaw,
      posts.slice(i, i + 500).map((p) => ({ key: p.id, value: JSON.stringify(p) })),
    );
  }
}

/** `kc worker` with the given environment (warnings and errors only, plus its progress lines). */
export function startWorker(env: Record<string, string>): Child {
  return spawnTsx('infra/src/cli.ts', ['worker'], { KC_LOG_LEVEL: 'warn', KC_HEALTH_PORT: '0', ...env });
}

/** Processed-post count in a worker's last progress line. */
export function processedBy(w: Child): number {
  const all = [...w.output().matchAll(/: (\d+) bài · /g)];
  return all.length > 0 ? Number(all[all.length - 1]![1]) : 0;
}

/**
 * Waits until `members` consumers are in the pipeline's consumer group and it is stable, so that
 * posts published next are shared between them (a worker that joins late may find the stream done).
 */
export async function waitForGroup(env: Record<string, string>, members: number): Promise<void> {
  const kafka = new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groupId = `${env.KC_KAFKA_PREFIX ?? ''}pipeline`;
    await waitFor(
      `${members} workers in consumer group ${groupId}`,
      async () => {
        const { groups } = await admin.describeGroups([groupId]);
        const g = groups[0];
        return g?.state === 'Stable' && g.members.length === members;
      },
      60_000,
    );
  } finally {
    await admin.disconnect();
  }
}

/** The worker's /readyz address, from its start-up line. */
export function healthUrl(w: Child): string | undefined {
  return /kiểm tra hoạt động tại (http:\/\/\S+)/.exec(w.output())?.[1];
}

/**
 * The final state holds every post exactly once: each published post is in the index once and
 * nothing else is; each flagged post is attached to exactly one case, one case per claim; no case
 * lists a post twice; the audit chain is intact. Opens the stores of `env` (embedded or scale-out)
 * the way `kc` does, so the check reads what the product reads.
 */
export async function expectExactlyOnce(env: Record<string, string>, posts: readonly Post[]): Promise<void> {
  const config = loadConfig(env);
  if (config.ELASTICSEARCH_URL && (config.KC_INDEX === 'elasticsearch' || config.KC_CASE_STORE === 'elasticsearch')) {
    // Writes of the worker become searchable within a second; the check should not race them.
    const es = new Client({ node: config.ELASTICSEARCH_URL });
    await es.indices.refresh({ index: `${config.KC_ES_PREFIX}*` }).finally(() => es.close());
  }
  const stores = await openStores(config.KC_DATA_DIR, storeOptions(config));
  try {
    const classifier = new Classifier();
    const flagged = new Map<string, string>();
    for (const p of posts) {
      const c = classifier.classify(p.text);
      if (c.flagged) flagged.set(p.id, c.claimKey!);
    }
    const ids = posts.map((p) => p.id);
    expect(new Set(ids).size, 'the published posts have distinct ids').toBe(ids.length);

    const indexed: IndexedPost[] = [];
    for (let i = 0; i < ids.length; i += 1_000) indexed.push(...(await stores.index.get(ids.slice(i, i + 1_000))));
    const missing = ids.length - new Set(indexed.map((p) => p.post.id)).size;
    expect(missing, 'posts lost').toBe(0);
    expect(await stores.index.count(), 'posts in the index beyond those published').toBe(ids.length);
    expect(indexed.filter((p) => p.classification.flagged).length).toBe(flagged.size);

    const details: CaseDetail[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = await stores.cases.list({ limit: 200, offset });
      for (const c of page.items) details.push((await stores.cases.get(c.id))!);
      if (offset + page.items.length >= page.total) break;
    }
    const keys = new Set(flagged.values());
    expect(details.length, 'one case per claim').toBe(keys.size);
    expect(new Set(details.map((d) => d.case.claimKey)).size).toBe(keys.size);
    const attached = new Map<string, number>();
    for (const d of details) {
      expect(new Set(d.postIds).size, `case ${d.case.id} lists a post twice`).toBe(d.postIds.length);
      expect(d.case.postCount).toBe(d.postIds.length);
      for (const id of d.postIds) attached.set(id, (attached.get(id) ?? 0) + 1);
    }
    const twice = [...attached].filter(([, n]) => n > 1);
    expect(twice, 'posts attached to more than one case').toEqual([]);
    const unattached = [...flagged.keys()].filter((id) => !attached.has(id));
    expect(unattached.length, 'flagged posts without a case').toBe(0);
    expect(attached.size, 'cases hold posts that were not flagged').toBe(flagged.size);
    expect((await stores.cases.verifyAudit()).ok, 'audit chain intact').toBe(true);
  } finally {
    await stores.bus.close();
    await stores.index.close();
    await stores.users.close();
    await stores.cases.close();
  }
}
