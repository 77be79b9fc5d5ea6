import { existsSync } from 'node:fs';
import { Configuration } from '@crawlee/core';
import { PlaywrightCrawler } from '@crawlee/playwright';
import { type EvidenceRef, type Post, postId } from '@kc/pipeline';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, type CrawlerContext, type CrawlResult, PostBuffer, setCrawleeLogLevel } from './context.js';
import { CrawlSetupError } from './errors.js';
import { refuseUnsafeUrl } from './internal/network-guard.js';
import type { Source } from './sources.js';

interface RawSocialPost {
  id: string;
  permalink: string | null;
  authorHandle: string | null;
  authorName: string | null;
  authorUrl: string | null;
  text: string;
  time: string | null;
  reactions: number;
  comments: number;
  shares: number;
}

/**
 * Crawls a public social page whose feed is rendered by JavaScript (crawlee's
 * PlaywrightCrawler on Debian's Chromium): scrolls until enough posts are loaded, then reads
 * each post card and captures the page HTML and a screenshot of every post as evidence.
 */
export class SocialPageCrawler {
  readonly #source: Source;
  readonly #ctx: CrawlerContext;

  constructor(source: Source, ctx: CrawlerContext) {
    if (source.kind !== 'social_page')
      throw new TypeError(`SocialPageCrawler takes social_page sources, not ${source.kind}`);
    this.#source = source;
    this.#ctx = ctx;
  }

  async run(): Promise<CrawlResult> {
    const started = Date.now();
    setCrawleeLogLevel(this.#ctx.verbose);
    const source = this.#source;
    const { evidence, log, chromiumPath } = this.#ctx;
    if (!existsSync(chromiumPath)) {
      throw new CrawlSetupError(
        `source ${source.id}: Chromium not found at ${chromiumPath}; install it (apt-get install chromium) or set KC_CHROMIUM_PATH`,
      );
    }
    const refused = await refuseUnsafeUrl(source.url, source.allowPrivateNetwork);
    if (refused) throw new CrawlSetupError(`source ${source.id}: ${refused}`);

    const buffer = new PostBuffer(this.#ctx.publish);
    let pages = 0;
    let errors = 0;
    const maxPosts = source.limits.maxPosts;
    const config = new Configuration({ persistStorage: false, purgeOnStart: true });
    const crawler = new PlaywrightCrawler(
      {
        launchContext: {
          launcher: chromium,
          launchOptions: { executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS },
        },
        browserPoolOptions: { useFingerprints: false },
        maxConcurrency: 1,
        maxRequestRetries: 1,
        maxRequestsPerCrawl: 1,
        requestHandlerTimeoutSecs: 90,
        navigationTimeoutSecs: 30,
        requestHandler: async ({ page, request }) => {
          pages++;
          await page.waitForSelector('[data-post-id]', { timeout: 20_000 });
          let count = await page.locator('[data-post-id]').count();
          for (let stale = 0; count < maxPosts && stale < 3; ) {
            // Feeds load more on scroll, or behind a "see more" button when the page is short.
            await page.evaluate(
              `window.scrollTo(0, document.body.scrollHeight);
               Array.from(document.querySelectorAll('button, a[role=button]'))
                 .find((b) => !b.hidden && /xem thêm|see more|load more/i.test(b.textContent || ''))?.click();`,
            );
            const grew = await page
              .waitForFunction(`document.querySelectorAll('[data-post-id]').length > ${count}`, undefined, {
                timeout: 2_000,
              })
              .then(
                () => true,
                () => false,
              );
            const now = await page.locator('[data-post-id]').count();
            stale = grew && now > count ? 0 : stale + 1;
            count = now;
          }
          const raw = (await page.evaluate(EXTRACT_POSTS_JS)) as RawSocialPost[];
          const capturedAt = new Date().toISOString();
          const pageUrl = request.loadedUrl ?? request.url;
          const html = await evidence.put(Buffer.from(await page.content(), 'utf8'), {
            kind: 'html',
            url: pageUrl,
            capturedAt,
            contentType: 'text/html; charset=utf-8',
          });
          const htmlRef: EvidenceRef = {
            sha256: html.sha256,
            kind: 'html',
            url: pageUrl,
            capturedAt,
            bytes: html.bytes,
          };
          for (const item of raw.slice(0, maxPosts)) {
            if (!item.id || !item.text) continue;
            const url = item.permalink ?? pageUrl;
            const refs: EvidenceRef[] = [htmlRef];
            const shot = await page
              .locator(`[data-post-id="${item.id.replace(/["\\]/g, '\\$&')}"]`)
              .first()
              .screenshot({ timeout: 10_000 })
              .catch((err: Error) => {
                log.warn({ sourceId: source.id, url, err: err.message }, 'post screenshot failed');
                return null;
              });
            if (shot) {
              const png = await evidence.put(shot, { kind: 'screenshot', url, capturedAt, contentType: 'image/png' });
              refs.push({ sha256: png.sha256, kind: 'screenshot', url, capturedAt, bytes: png.bytes });
            }
            const post: Post = {
              id: postId(source.platform, { platformPostId: item.id, url }),
              platform: source.platform,
              sourceId: source.id,
              url,
              platformPostId: item.id,
              title: null,
              text: item.text,
              author: item.authorHandle
                ? { handle: item.authorHandle, name: item.authorName, profileUrl: item.authorUrl }
                : null,
              publishedAt: item.time && !Number.isNaN(Date.parse(item.time)) ? new Date(item.time).toISOString() : null,
              fetchedAt: capturedAt,
              region: source.region,
              metrics: { reactions: item.reactions, comments: item.comments, shares: item.shares },
              evidence: refs,
              tags: [],
            };
            await buffer.add(post);
          }
        },
        failedRequestHandler: async ({ request }, error) => {
          errors++;
          log.warn({ sourceId: source.id, url: request.url, err: error.message }, 'social page could not be crawled');
        },
      },
      config,
    );
    await crawler.run([source.url]);
    await buffer.flush();
    await crawler.teardown();
    return {
      sourceId: source.id,
      pages,
      posts: buffer.published,
      errors,
      skipped: 0,
      durationMs: Date.now() - started,
    };
  }
}

/**
 * Reads the post cards in the page. Kept as source text so that no bundler helper (such as
 * esbuild's __name) leaks into code that runs in the browser.
 */
const EXTRACT_POSTS_JS = `Array.from(document.querySelectorAll('[data-post-id]')).map((card) => {
  const num = (sel) => Number((card.querySelector(sel)?.textContent || '0').replace(/\\D/g, '')) || 0;
  const author = card.querySelector('a.author');
  const link = card.querySelector('a.permalink');
  return {
    id: card.dataset.postId || '',
    permalink: link ? link.href : null,
    authorHandle: author ? author.dataset.handle || null : null,
    authorName: author ? author.textContent.trim() : null,
    authorUrl: author ? author.href : null,
    text: (card.querySelector('.post-text')?.textContent || '').trim(),
    time: card.querySelector('time')?.getAttribute('datetime') || null,
    reactions: num('.reactions'),
    comments: num('.comments'),
    shares: num('.shares'),
  };
})`;
