import { CheerioCrawler } from '@crawlee/cheerio';
import { Configuration } from '@crawlee/core';
import { type EvidenceRef, type Post, postId } from '@kc/pipeline';
import { load } from 'cheerio';
import { type CrawlerContext, type CrawlResult, PostBuffer, setCrawleeLogLevel } from './context.js';
import { CrawlSetupError } from './errors.js';
import { extractArticle } from './internal/extract-article.js';
import { refuseUnsafeUrl } from './internal/network-guard.js';
import type { Source } from './sources.js';

const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/xml', 'text/xml'];

/** Crawls a news source: its RSS/Atom feed, then each linked article (crawlee's CheerioCrawler). */
export class NewsCrawler {
  readonly #source: Source;
  readonly #ctx: CrawlerContext;

  constructor(source: Source, ctx: CrawlerContext) {
    if (source.kind !== 'rss') throw new TypeError(`NewsCrawler takes rss sources, not ${source.kind}`);
    this.#source = source;
    this.#ctx = ctx;
  }

  async run(): Promise<CrawlResult> {
    const started = Date.now();
    setCrawleeLogLevel(this.#ctx.verbose);
    const source = this.#source;
    const { evidence, log } = this.#ctx;
    const refused = await refuseUnsafeUrl(source.url, source.allowPrivateNetwork);
    if (refused) throw new CrawlSetupError(`source ${source.id}: ${refused}`);

    const buffer = new PostBuffer(this.#ctx.publish);
    let pages = 0;
    let errors = 0;
    const config = new Configuration({ persistStorage: false, purgeOnStart: true });
    const crawler = new CheerioCrawler(
      {
        maxRequestsPerCrawl: source.limits.maxPages + 1,
        maxRequestRetries: 2,
        requestHandlerTimeoutSecs: 30,
        navigationTimeoutSecs: 20,
        maxConcurrency: 4,
        additionalMimeTypes: FEED_TYPES,
        preNavigationHooks: [
          async ({ request }) => {
            const why = await refuseUnsafeUrl(request.url, source.allowPrivateNetwork);
            if (why) {
              request.noRetry = true;
              throw new Error(`refused: ${why}`);
            }
          },
        ],
        requestHandler: async ({ request, body, crawler: self }) => {
          pages++;
          const content = typeof body === 'string' ? body : body.toString('utf8');
          if (request.label === 'FEED') {
            const links = feedLinks(content, request.loadedUrl ?? request.url).slice(0, source.limits.maxPosts);
            await self.addRequests(links.map((url) => ({ url, label: 'ARTICLE' })));
            return;
          }
          const pageUrl = request.loadedUrl ?? request.url;
          const article = extractArticle(content, pageUrl);
          if (!article.text) {
            log.warn({ sourceId: source.id, url: pageUrl }, 'article has no text; skipped');
            return;
          }
          const capturedAt = new Date().toISOString();
          const stored = await evidence.put(Buffer.from(content, 'utf8'), {
            kind: 'html',
            url: pageUrl,
            capturedAt,
            contentType: 'text/html; charset=utf-8',
          });
          const ref: EvidenceRef = {
            sha256: stored.sha256,
            kind: 'html',
            url: pageUrl,
            capturedAt,
            bytes: stored.bytes,
          };
          const url = article.canonicalUrl ?? pageUrl;
          const post: Post = {
            id: postId(source.platform, { url }),
            platform: source.platform,
            sourceId: source.id,
            url,
            platformPostId: null,
            title: article.title,
            text: article.text,
            author: article.author ? { handle: article.author, name: article.author, profileUrl: null } : null,
            publishedAt: article.publishedAt,
            fetchedAt: capturedAt,
            region: source.region,
            metrics: null,
            evidence: [ref],
            tags: article.section ? [article.section] : [],
          };
          await buffer.add(post);
        },
        failedRequestHandler: async ({ request }, error) => {
          errors++;
          log.warn({ sourceId: source.id, url: request.url, err: error.message }, 'page could not be crawled');
        },
      },
      config,
    );
    await crawler.run([{ url: source.url, label: 'FEED' }]);
    await buffer.flush();
    await crawler.teardown();
    return { sourceId: source.id, pages, posts: buffer.published, errors, durationMs: Date.now() - started };
  }
}

/** Item links of an RSS 2.0 or Atom feed, absolute. */
export function feedLinks(xml: string, base: string): string[] {
  const $ = load(xml, { xml: true });
  const links = new Set<string>();
  $('item > link').each((_, el) => {
    const href = $(el).text().trim();
    if (href) links.add(href);
  });
  $('entry > link').each((_, el) => {
    const rel = $(el).attr('rel');
    const href = $(el).attr('href');
    if (href && (!rel || rel === 'alternate')) links.add(href);
  });
  const out: string[] = [];
  for (const href of links) {
    try {
      out.push(new URL(href, base).toString());
    } catch {
      // A broken link in a feed is skipped; the rest of the feed is still crawled.
    }
  }
  return out;
}
