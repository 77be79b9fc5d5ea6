import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrawlSetupError, MemoryCrawlState, NewsCrawler, type Source } from '../src/index.js';
import { type FixtureWeb, startFixtureWeb } from './fixture-web.js';
import { crawlContext } from './helpers.js';

describe('news crawler against a hostile web', () => {
  let web: FixtureWeb;
  beforeAll(async () => {
    web = await startFixtureWeb();
  });
  afterAll(async () => web?.close());

  const source = (over: Partial<Source> = {}): Source => ({
    id: 'fixture',
    kind: 'rss',
    url: `${web.url}/feed.xml`,
    platform: 'web',
    region: null,
    schedule: 'every 1h',
    limits: { maxPages: 50, maxPosts: 50, maxAgeDays: 36500, delaySeconds: 0 },
    allowPrivateNetwork: 'loopback',
    ...over,
  });
  const http = { timeoutMs: 1_000, bodyTimeoutMs: 3_000, maxBytes: 5 * 1024 * 1024 };

  it('keeps going through every failure, and says why each page failed', async () => {
    const ctx = { ...crawlContext(), http };
    const result = await new NewsCrawler(source(), ctx).run();
    // Unclosed tags: the title runs on as a browser would read it, but the page is not lost.
    const titles = ctx.posts.map((p) => (p.title?.startsWith('Tin lỗi') ? 'Tin lỗi' : p.title)).sort();
    // The good page, the malformed one, the one behind a 429, and the Windows-1258 one.
    expect(titles).toEqual(['Tin lỗi', 'Tin mã cũ', 'Tin sau khi chờ', 'Tin tốt']);
    const legacy = ctx.posts.find((p) => p.title === 'Tin mã cũ')!;
    expect(legacy.text).toBe('Người dân đừng hoang mang, thông tin phong tỏa là tin giả.');
    expect(ctx.posts.find((p) => p.title === 'Tin tốt')!.publishedAt).toBe('2021-07-19T03:30:00.000Z');
    expect(web.hits.get('/a/busy')).toBe(2); // retried after Retry-After
    const log = ctx.warnings.join('\n');
    expect(log).toMatch(/a\/huge.*over the 5242880-byte limit/);
    expect(log).toMatch(/a\/loop.*too many redirects/);
    expect(log).toMatch(/a\/hang.*(no response|stopped sending)/);
    expect(log).toMatch(/a\/drip.*sends too slowly: the body took over 3000 ms/);
    expect(log).toMatch(/404 from .*a\/gone/);
    expect(log).toMatch(/a\/broken.*500/);
    expect(log).toMatch(/429 from .*a\/busy: retrying after 1000 ms/);
    expect(log).toMatch(
      /refused http:\/\/169\.254\.169\.254\/latest\/meta-data\/: 169\.254\.169\.254 resolves to private address/,
    );
    expect(log).toMatch(/private\/secret: disallowed by robots\.txt \(line 2\)/);
    expect(web.hits.get('/private/secret')).toBeUndefined();
    expect(result.errors).toBeGreaterThanOrEqual(5);
    expect(result.skipped).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('gives up on a source whose feed never answers, says why, and does not hang the crawl', async () => {
    const ctx = { ...crawlContext(), http };
    const started = Date.now();
    const result = await new NewsCrawler(source({ id: 'fixture-hang', url: `${web.url}/feed-hang.xml` }), ctx).run();
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(ctx.posts).toEqual([]);
    expect(result.errors).toBeGreaterThanOrEqual(1);
    expect(ctx.warnings.join('\n')).toMatch(/feed-hang\.xml.*no response from 127\.0\.0\.1:\d+ within 1000 ms/);
  }, 90_000);

  it('skips unchanged pages on the next run (ETag and content hash)', async () => {
    const state = new MemoryCrawlState();
    const feedOnly = async () => {
      const ctx = { ...crawlContext(), http, state };
      const r = await new NewsCrawler(source({ id: 'fixture-incremental' }), ctx).run();
      return { r, titles: ctx.posts.map((p) => p.title) };
    };
    const first = await feedOnly();
    expect(first.titles).toContain('Tin tốt');
    const second = await feedOnly();
    expect(second.titles).not.toContain('Tin tốt');
    expect(second.titles.some((t) => t?.startsWith('Tin lỗi'))).toBe(false);
    expect(second.r.skipped).toBeGreaterThanOrEqual(first.r.skipped + 2);
  }, 90_000);

  it('refuses sources on private addresses, before sending anything, with a clear log line', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/feed.xml']) {
      const ctx = crawlContext();
      await expect(new NewsCrawler(source({ url, allowPrivateNetwork: false }), ctx).run()).rejects.toThrow(
        CrawlSetupError,
      );
      expect(ctx.warnings.join('\n')).toMatch(/refused: .*resolves to private address/);
    }
    // "loopback" does not open the other private ranges.
    await expect(new NewsCrawler(source({ url: 'http://10.0.0.1/feed.xml' }), crawlContext()).run()).rejects.toThrow(
      /private address 10\.0\.0\.1/,
    );
  });
});
