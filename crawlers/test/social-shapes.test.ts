import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocialPageCrawler, type Source } from '../src/index.js';
import { crawlContext } from './helpers.js';

/** Fixture pages that mimic the markup of a Facebook page, a Zalo OA and a YouTube channel. */
describe('social page shapes (real Chromium)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const name = (req.url ?? '').replace(/^\//, '').replace(/[^a-z-]/g, '');
      let page: Buffer;
      try {
        page = readFileSync(new URL(`./fixtures/${name}.html`, import.meta.url));
      } catch {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const source = (page: string, platform: Source['platform'], shape: 'facebook' | 'zalo' | 'youtube'): Source => ({
    id: `fixture-${shape}`,
    kind: 'social_page',
    url: `${base}/${page}`,
    platform,
    region: null,
    schedule: 'hourly',
    limits: { maxPages: 1, maxPosts: 20, maxAgeDays: 3650, delaySeconds: 0 },
    selectors: { socialShape: shape },
    allowPrivateNetwork: 'loopback',
  });

  it('reads a Facebook-style page: id from the permalink, unix time, counts from aria-labels, "Xem thêm"', async () => {
    const ctx = crawlContext();
    const r = await new SocialPageCrawler(source('facebook-page', 'facebook', 'facebook'), ctx).run();
    expect(r.posts).toBe(3);
    const p = ctx.posts.find((x) => x.platformPostId === '1029384756')!;
    expect(p.author).toMatchObject({ handle: 'tuan.pleiku88', name: 'Tuấn Pleiku' });
    expect(p.url).toBe(`${base}/hoinhungnguoiyeupleiku/posts/1029384756`);
    expect(p.publishedAt).toBe(new Date(1626699900 * 1000).toISOString());
    expect(p.metrics).toEqual({ reactions: 312, comments: 87, shares: 1200 });
    expect(p.evidence.map((e) => e.kind)).toEqual(['html', 'screenshot']);
  }, 60_000);

  it('reads a Zalo OA-style page: article ids, Vietnamese dates, thousands separators', async () => {
    const ctx = crawlContext();
    await new SocialPageCrawler(source('zalo-oa', 'zalo', 'zalo'), ctx).run();
    expect(ctx.posts.map((p) => p.platformPostId).sort()).toEqual(['a8f3c21', 'b91d004']);
    const p = ctx.posts.find((x) => x.platformPostId === 'b91d004')!;
    expect(p.author).toMatchObject({ handle: '4318237771', name: 'Sở Y tế Gia Lai' });
    expect(p.publishedAt).toBe('2021-07-21T09:30:00.000Z');
    expect(p.metrics).toEqual({ reactions: 2300, comments: 45, shares: 800 });
  }, 60_000);

  it('reads a YouTube-style channel: the community post and the comments under it', async () => {
    const ctx = crawlContext();
    await new SocialPageCrawler(source('youtube-channel', 'youtube', 'youtube'), ctx).run();
    expect(ctx.posts.map((p) => p.platformPostId).sort()).toEqual(['UgkxPost001', 'UgzComment01', 'UgzComment02']);
    const post = ctx.posts.find((x) => x.platformPostId === 'UgkxPost001')!;
    expect(post.author?.handle).toBe('@tinnong24h');
    expect(post.metrics?.reactions).toBe(3400);
    expect(Date.now() - Date.parse(post.publishedAt!)).toBeGreaterThan(7_000_000);
    const comment = ctx.posts.find((x) => x.platformPostId === 'UgzComment02')!;
    expect(comment.text).toContain('nước muối');
    expect(comment.url).toContain('lc=UgzComment02');
  }, 60_000);
});
