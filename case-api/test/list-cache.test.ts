import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { classify } from '@kc/classifier';
import { postId, SqliteCaseStore } from '@kc/pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseCache } from '../src/response-cache.js';
import { build } from './helpers.js';

describe('triage list cache', () => {
  let env: Awaited<ReturnType<typeof build>> | null = null;
  afterEach(async () => {
    await env?.close();
    env = null;
  });

  const list = async (headers: Record<string, string>, query = 'limit=50&sort=priority') => {
    const r = await env!.app.inject({ method: 'GET', url: `/api/cases?${query}`, headers });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    return r.json() as { items: { id: string; status: string; postCount: number }[]; total: number };
  };

  it('answers from the cache until a write: of this process at once, of another within 100 ms', async () => {
    env = await build();
    const analyst = env.as('analyst');
    const first = await list(analyst);
    expect(first.total).toBe(1);
    expect(await list(analyst)).toEqual(first);

    // A write through the API shows at once.
    const assigned = await env.app.inject({
      method: 'POST',
      url: `/api/cases/${env.caseId}/assign`,
      headers: analyst,
      payload: { assignee: 'analyst' },
    });
    expect(assigned.statusCode).toBe(200);
    expect((await list(analyst)).items[0]!.status).toBe('in_review');

    // So does a write by another connection to the same file: a pipeline worker in its own process.
    const worker = SqliteCaseStore.create({ file: join(env.dir, 'cases.sqlite') });
    try {
      const text = 'Nghe nói uống nước lá tía tô khỏi Covid trong 3 ngày, share gấp cho mọi người';
      const url = 'https://tin.example.vn/tia-to';
      await worker.recordFlaggedPost({
        postId: postId('web', { url }),
        title: '',
        text,
        classification: classify(text),
        author: null,
        at: new Date().toISOString(),
        platform: 'web',
        region: null,
      });
    } finally {
      await worker.close();
    }
    // Seen within 100 ms (the store looks for other processes' commits at most that often).
    await new Promise((r) => setTimeout(r, 120));
    const after = await list(analyst);
    expect(after.total).toBe(2);
    expect(after.items.map((c) => c.status).sort()).toEqual(['in_review', 'new']);
    // Other pages and filters are their own entries.
    expect((await list(analyst, 'limit=50&sort=priority&status=new')).total).toBe(1);
  });

  it('gzips the answer for clients that take gzip, as browsers do, and not for the others', async () => {
    env = await build();
    const get = (encoding?: string) =>
      env!.app.inject({
        method: 'GET',
        url: '/api/cases?limit=50',
        headers: { ...env!.as('analyst'), ...(encoding === undefined ? {} : { 'accept-encoding': encoding }) },
      });
    const plain = await get();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    for (const encoding of ['gzip, deflate, br, zstd', 'br;q=1.0, gzip;q=0.8', '*']) {
      const zipped = await get(encoding);
      expect(zipped.headers['content-encoding'], encoding).toBe('gzip');
      expect(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(plain.json());
    }
    for (const encoding of ['br', 'gzip;q=0', 'identity']) {
      expect((await get(encoding)).headers['content-encoding'], encoding).toBeUndefined();
    }
  });

  it('keeps the answers of each role apart: the police see only cases escalated to them', async () => {
    env = await build();
    expect((await list(env.as('analyst'))).total).toBe(1);
    expect((await list(env.as('police_liaison'))).total).toBe(0);
    expect((await list(env.as('supervisor'))).total).toBe(1);
  });

  it('forgets the least recently used answer first, and an answer whose token moved', () => {
    const cache = new ResponseCache(2);
    cache.set('a', 't1', 'A');
    cache.set('b', 't1', 'B');
    expect(cache.get('a', 't1')?.body).toBe('A'); // a is now the most recent
    cache.set('c', 't1', 'C');
    expect(cache.get('b', 't1')).toBeUndefined();
    expect(cache.get('a', 't1')?.body).toBe('A');
    expect(cache.get('c', 't2')).toBeUndefined();
    expect(cache.get('c', 't1')).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(() => new ResponseCache(0)).toThrow(RangeError);
  });
});
