import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CrawlSetupError,
  DEMO_ARTICLES,
  DEMO_SOCIAL_POSTS,
  type DemoWeb,
  demoSources,
  NewsCrawler,
  SocialPageCrawler,
  startDemoWeb,
} from '../src/index.js';
import { crawlContext } from './helpers.js';

describe('crawlers against the demo web (real HTTP, real Chromium)', () => {
  let web: DemoWeb;
  beforeAll(async () => {
    web = await startDemoWeb();
  });
  afterAll(async () => web?.close());

  it('news crawler: RSS → every article, with JSON-LD fields, canonical URL and HTML evidence', async () => {
    const ctx = crawlContext();
    const result = await new NewsCrawler(demoSources(web)[0]!, ctx).run();
    expect(result).toMatchObject({ posts: DEMO_ARTICLES.length, errors: 0 });
    const bySlug = new Map(ctx.posts.map((p) => [p.url.split('/').pop(), p]));
    for (const a of DEMO_ARTICLES) {
      const p = bySlug.get(a.slug)!;
      expect(p.title).toBe(a.title);
      expect(p.text).toBe(a.paragraphs.join('\n\n'));
      expect(p.author?.name).toBe(a.author);
      expect(p.publishedAt).toBe(new Date(a.publishedAt).toISOString());
      expect(p.evidence[0]?.kind).toBe('html');
      const blob = await ctx.evidence.get(p.evidence[0]!.sha256);
      expect(Buffer.from(blob!.bytes).toString()).toContain('application/ld+json');
    }
    // The same crawl twice yields the same post ids.
    const again = crawlContext();
    await new NewsCrawler(demoSources(web)[0]!, again).run();
    expect(again.posts.map((p) => p.id).sort()).toEqual(ctx.posts.map((p) => p.id).sort());
  });

  it('social crawler: waits for the JavaScript feed, loads more, reads every post with a screenshot', async () => {
    const ctx = crawlContext();
    const result = await new SocialPageCrawler(demoSources(web)[1]!, ctx).run();
    expect(result).toMatchObject({ posts: DEMO_SOCIAL_POSTS.length, errors: 0 });
    for (const d of DEMO_SOCIAL_POSTS) {
      const p = ctx.posts.find((x) => x.platformPostId === d.id)!;
      expect(p.text).toBe(d.text);
      expect(p.author).toMatchObject({ handle: d.authorHandle, name: d.authorName });
      expect(p.metrics).toEqual({ reactions: d.reactions, comments: d.comments, shares: d.shares });
      expect(p.url).toBe(`${web.socialUrl}/posts/${d.id}`);
      const shot = p.evidence.find((e) => e.kind === 'screenshot')!;
      const png = await ctx.evidence.get(shot.sha256);
      expect(Buffer.from(png!.bytes).subarray(1, 4).toString()).toBe('PNG');
    }
  });

  it('refuses to start without Chromium, and refuses private targets the source did not allow', async () => {
    const ctx = { ...crawlContext(), chromiumPath: '/nonexistent/chromium' };
    await expect(new SocialPageCrawler(demoSources(web)[1]!, ctx).run()).rejects.toThrow(
      /Chromium not found.*apt-get install chromium/,
    );
    const strict = { ...demoSources(web)[0]!, allowPrivateNetwork: false };
    await expect(new NewsCrawler(strict, crawlContext()).run()).rejects.toThrow(CrawlSetupError);
  });
});
