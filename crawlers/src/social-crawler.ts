import { existsSync } from 'node:fs';
import { Configuration } from '@crawlee/core';
import { PlaywrightCrawler } from '@crawlee/playwright';
import { type EvidenceRef, type Post, postId } from '@kc/pipeline';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, type CrawlerContext, type CrawlResult, PostBuffer, setCrawleeLogLevel } from './context.js';
import { CrawlSetupError } from './errors.js';
import { parseVietnameseDate } from './internal/dates.js';
import { refuseUnsafeUrl } from './internal/network-guard.js';
import { extractPostsScript, SOCIAL_SHAPES, type SocialShape, type SocialShapeName } from './internal/social-shapes.js';
import type { Source } from './sources.js';

interface RawSocialPost {
  index: number;
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
    const shape = shapeFor(source);
    const cards = JSON.stringify(shape.card);
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
          await page.waitForSelector(shape.card, { timeout: 20_000 });
          let count = await page.locator(shape.card).count();
          for (let stale = 0; count < maxPosts && stale < 2; ) {
            // Feeds load more on scroll, or behind a "see more" button when the page is short.
            await page.evaluate(
              `window.scrollTo(0, document.body.scrollHeight);
               Array.from(document.querySelectorAll(${JSON.stringify(shape.more)}))
                 .find((b) => !b.hidden && /xem thêm|hiển thị thêm|see more|load more|show more/i.test(b.textContent || ''))?.click();`,
            );
            const grew = await page
              .waitForFunction(`document.querySelectorAll(${cards}).length > ${count}`, undefined, {
                timeout: 1_500,
              })
              .then(
                () => true,
                () => false,
              );
            const now = await page.locator(shape.card).count();
            stale = grew && now > count ? 0 : stale + 1;
            count = now;
          }
          const raw = (await page.evaluate(extractPostsScript(shape))) as RawSocialPost[];
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
              .locator(shape.card)
              .nth(item.index)
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
              publishedAt: parseVietnameseDate(item.time),
              fetchedAt: capturedAt,
              region: source.region,
              metrics: { reactions: item.reactions, comments: item.comments, shares: item.shares },
              evidence: refs,
              tags: [],
              tipNote: null,
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
    this.#ctx.onProgress?.({
      sourceId: source.id,
      pages,
      posts: buffer.published,
      errors,
      skipped: 0,
      elapsedMs: Date.now() - started,
    });
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

function shapeFor(source: Source): SocialShape {
  const name = (source.selectors?.socialShape ??
    (source.platform in SOCIAL_SHAPES ? source.platform : 'generic')) as SocialShapeName;
  return SOCIAL_SHAPES[name];
}
