import { createHash } from 'node:crypto';
import { CheerioCrawler } from '@crawlee/cheerio';
import { Configuration, type Request } from '@crawlee/core';
import { cleanText } from '@kc/classifier';
import { type EvidenceRef, type Post, postId } from '@kc/pipeline';
import { load } from 'cheerio';
import { type CrawlerContext, type CrawlResult, PostBuffer, setCrawleeLogLevel } from './context.js';
import { CrawlSetupError } from './errors.js';
import { MemoryCrawlState } from './internal/crawl-state.js';
import { parseVietnameseDate } from './internal/dates.js';
import { extractArticle } from './internal/extract-article.js';
import { GuardedHttpClient } from './internal/http-client.js';
import { refuseUnsafeUrl } from './internal/network-guard.js';
import { RobotsGuard } from './internal/robots.js';
import type { Source } from './sources.js';

const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/xml', 'text/xml'];
const MAX_RETRY_AFTER_MS = 120_000;

type Label = 'FEED' | 'SITEMAP' | 'LISTING' | 'ARTICLE';

/**
 * Crawls a news source with crawlee's CheerioCrawler: an RSS/Atom feed, a (news) sitemap or a
 * listing page with its next pages, then each article. Politeness and safety come from the
 * guarded HTTP client (SSRF guard on every hop, size and redirect limits, timeouts, charsets),
 * robots.txt, a per-host delay, and Retry-After on 429/503. Unchanged pages are skipped.
 */
export class NewsCrawler {
  readonly #source: Source;
  readonly #ctx: CrawlerContext;

  constructor(source: Source, ctx: CrawlerContext) {
    if (source.kind !== 'rss' && source.kind !== 'sitemap' && source.kind !== 'listing') {
      throw new TypeError(`NewsCrawler takes rss, sitemap or listing sources, not ${source.kind}`);
    }
    this.#source = source;
    this.#ctx = ctx;
  }

  async run(): Promise<CrawlResult> {
    const started = Date.now();
    setCrawleeLogLevel(this.#ctx.verbose);
    const source = this.#source;
    const { log } = this.#ctx;
    const refused = await refuseUnsafeUrl(source.url, source.allowPrivateNetwork);
    if (refused) {
      log.warn({ sourceId: source.id, url: source.url, reason: refused }, `source ${source.id} refused: ${refused}`);
      throw new CrawlSetupError(`source ${source.id}: ${refused}`);
    }
    const client = new GuardedHttpClient({
      allowPrivateNetwork: source.allowPrivateNetwork,
      ...(this.#ctx.http ?? {}),
      onRefused: (url, reason) => log.warn({ sourceId: source.id, url, reason }, `refused ${url}: ${reason}`),
    });
    const robots = new RobotsGuard(client);
    const state = this.#ctx.state ?? new MemoryCrawlState();
    const buffer = new PostBuffer(this.#ctx.publish);
    const counts = { pages: 0, errors: 0, skipped: 0 };
    const progress = this.#ctx.onProgress;
    const report = () =>
      progress?.({
        sourceId: source.id,
        ...counts,
        posts: buffer.published + buffer.pending,
        elapsedMs: Date.now() - started,
      });
    const maxAgeMs = source.limits.maxAgeDays * 86_400_000;
    const firstLabel: Label = source.kind === 'rss' ? 'FEED' : source.kind === 'sitemap' ? 'SITEMAP' : 'LISTING';
    let listingPages = 0;

    const config = new Configuration({ persistStorage: false, purgeOnStart: true });
    const crawler = new CheerioCrawler(
      {
        httpClient: client,
        useSessionPool: false,
        maxRequestsPerCrawl: source.limits.maxPages + 1,
        maxRequestRetries: 3,
        requestHandlerTimeoutSecs: 60,
        navigationTimeoutSecs: 60,
        maxConcurrency: 4,
        sameDomainDelaySecs: source.limits.delaySeconds,
        additionalMimeTypes: FEED_TYPES,
        additionalHttpErrorStatusCodes: [429],
        preNavigationHooks: [
          async ({ request }, gotOptions) => {
            const why = await robots.refusal(request.url);
            if (why) {
              counts.skipped++;
              log.warn({ sourceId: source.id, url: request.url, reason: why }, `skipped ${request.url}: ${why}`);
              request.noRetry = true;
              throw new Error(`skipped: ${why}`);
            }
            const retryAt = Number(request.userData.retryAt ?? 0);
            if (retryAt > Date.now()) await sleep(Math.min(retryAt - Date.now(), MAX_RETRY_AFTER_MS));
            if (request.label === 'ARTICLE') {
              const known = await state.get(request.url);
              const headers: Record<string, string> = {};
              if (known?.etag) headers['if-none-match'] = known.etag;
              if (known?.lastModified) headers['if-modified-since'] = known.lastModified;
              gotOptions.headers = { ...(gotOptions.headers ?? {}), ...headers };
            }
          },
        ],
        errorHandler: async ({ request, response }, error) => {
          if ((error as { retriable?: boolean }).retriable === false) request.noRetry = true;
          const status = response?.statusCode;
          if (status === 429 || status === 503) {
            const delay = retryAfterMs(response?.headers?.['retry-after'] as string | undefined);
            request.userData.retryAt = Date.now() + delay;
            log.warn(
              { sourceId: source.id, url: request.url, status, delayMs: delay },
              `${status} from ${request.url}: retrying after ${delay} ms`,
            );
          }
        },
        requestHandler: async ({ request, response, body, crawler: self }) => {
          counts.pages++;
          const status = response.statusCode ?? 0;
          const pageUrl = request.loadedUrl ?? request.url;
          if (status === 304) {
            counts.skipped++;
            return;
          }
          if (status >= 400) {
            counts.errors++;
            log.warn({ sourceId: source.id, url: pageUrl, status }, `${status} from ${pageUrl}`);
            return;
          }
          const content = typeof body === 'string' ? body : body.toString('utf8');
          const label = (request.label ?? 'ARTICLE') as Label;
          if (label === 'FEED') {
            const links = feedLinks(content, pageUrl).slice(0, source.limits.maxPosts);
            await self.addRequests(links.map((url) => ({ url, label: 'ARTICLE' })));
          } else if (label === 'SITEMAP') {
            const map = sitemapEntries(content, pageUrl);
            await self.addRequests(map.sitemaps.slice(0, 20).map((url) => ({ url, label: 'SITEMAP' })));
            const fresh = map.urls.filter((u) => !u.date || Date.now() - Date.parse(u.date) <= maxAgeMs);
            counts.skipped += map.urls.length - fresh.length;
            await self.addRequests(
              fresh.slice(0, source.limits.maxPosts).map((u) => ({ url: u.url, label: 'ARTICLE' })),
            );
          } else if (label === 'LISTING') {
            listingPages++;
            const page = listingLinks(content, pageUrl, source.selectors);
            await self.addRequests(
              page.articles.slice(0, source.limits.maxPosts).map((url) => ({ url, label: 'ARTICLE' })),
            );
            if (page.next && listingPages < Math.max(1, Math.floor(source.limits.maxPages / 10))) {
              await self.addRequests([{ url: page.next, label: 'LISTING' }]);
            }
          } else {
            await this.#article(request, content, pageUrl, response.headers, { state, buffer, counts, maxAgeMs });
          }
          report();
        },
        failedRequestHandler: async ({ request }, error) => {
          if (error.message.startsWith('skipped: ')) return;
          counts.errors++;
          log.warn(
            { sourceId: source.id, url: request.url, err: error.message },
            `could not crawl ${request.url}: ${error.message}`,
          );
          report();
        },
      },
      config,
    );
    await crawler.run([{ url: source.url, label: firstLabel }]);
    await buffer.flush();
    await crawler.teardown();
    report();
    return { sourceId: source.id, ...counts, posts: buffer.published, durationMs: Date.now() - started };
  }

  async #article(
    request: Request,
    content: string,
    pageUrl: string,
    headers: Record<string, string | string[] | undefined>,
    ctx: {
      state: MemoryCrawlState | NonNullable<CrawlerContext['state']>;
      buffer: PostBuffer;
      counts: { skipped: number };
      maxAgeMs: number;
    },
  ): Promise<void> {
    const source = this.#source;
    const { evidence, log } = this.#ctx;
    const article = extractArticle(content, pageUrl, source.selectors);
    const text = cleanText(article.text);
    if (!text) {
      log.warn({ sourceId: source.id, url: pageUrl }, 'article has no text; skipped');
      return;
    }
    const publishedAt = article.publishedAt ?? parseVietnameseDate(article.publishedText);
    if (publishedAt && Date.now() - Date.parse(publishedAt) > ctx.maxAgeMs) {
      ctx.counts.skipped++;
      return;
    }
    const title = article.title ? cleanText(article.title) : null;
    const sha = createHash('sha256')
      .update(`${title ?? ''}\n${text}`)
      .digest('hex');
    const before = await ctx.state.get(request.url);
    const capturedAt = new Date().toISOString();
    // The page is remembered only once its post is on the bus: a crash in between re-crawls it.
    const remember = () =>
      ctx.state.put(request.url, {
        etag: header(headers.etag),
        lastModified: header(headers['last-modified']),
        contentSha256: sha,
        fetchedAt: capturedAt,
      });
    if (before?.contentSha256 === sha) {
      ctx.counts.skipped++;
      await remember();
      return;
    }
    const stored = await evidence.put(Buffer.from(content, 'utf8'), {
      kind: 'html',
      url: pageUrl,
      capturedAt,
      contentType: 'text/html; charset=utf-8',
    });
    const ref: EvidenceRef = { sha256: stored.sha256, kind: 'html', url: pageUrl, capturedAt, bytes: stored.bytes };
    const url = article.canonicalUrl ?? pageUrl;
    const post: Post = {
      id: postId(source.platform, { url }),
      platform: source.platform,
      sourceId: source.id,
      url,
      platformPostId: null,
      title,
      text,
      author: article.author ? { handle: article.author, name: article.author, profileUrl: null } : null,
      publishedAt,
      fetchedAt: capturedAt,
      region: source.region,
      metrics: null,
      evidence: [ref],
      tags: article.section ? [article.section.slice(0, 50)] : [],
      tipNote: null,
    };
    await ctx.buffer.add(post, remember);
  }
}

function header(v: string | string[] | undefined): string | null {
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retry-After in ms: seconds or an HTTP date; 5 s when absent; at most two minutes. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number {
  if (!value) return 5_000;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Math.max(0, Math.min(Number.isFinite(ms) ? ms : 5_000, MAX_RETRY_AFTER_MS));
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
  return absolute([...links], base);
}

/** A sitemap index's sitemaps, or a (news) sitemap's URLs with their dates. */
export function sitemapEntries(
  xml: string,
  base: string,
): { sitemaps: string[]; urls: { url: string; date: string | null }[] } {
  const $ = load(xml, { xml: true });
  const sitemaps = absolute(
    $('sitemapindex > sitemap > loc')
      .map((_, el) => $(el).text().trim())
      .get(),
    base,
  );
  const urls: { url: string; date: string | null }[] = [];
  $('urlset > url').each((_, el) => {
    const loc = $(el).children('loc').text().trim();
    const date =
      $(el).find('news\\:publication_date, publication_date').first().text().trim() ||
      $(el).children('lastmod').text().trim() ||
      null;
    const [abs] = absolute([loc], base);
    if (abs)
      urls.push({ url: abs, date: date && !Number.isNaN(Date.parse(date)) ? new Date(date).toISOString() : null });
  });
  return { sitemaps, urls };
}

/**
 * Article links of a listing (section) page and its next page. With selectors from the source,
 * those; otherwise links on the same site whose path looks like an article (a long slug, an id,
 * or .html), leaving out menus, headers and footers.
 */
export function listingLinks(
  html: string,
  base: string,
  selectors?: Source['selectors'],
): { articles: string[]; next: string | null } {
  const $ = load(html);
  const host = new URL(base).host;
  const hrefs = selectors?.articleLinks
    ? $(selectors.articleLinks)
        .map((_, el) => $(el).attr('href') ?? '')
        .get()
    : $('a[href]')
        .filter((_, el) => $(el).closest('nav, header, footer, .menu, .navigation').length === 0)
        .map((_, el) => $(el).attr('href') ?? '')
        .get();
  const articles = absolute(hrefs, base).filter((u) => {
    const url = new URL(u);
    if (url.host !== host) return false;
    if (selectors?.articleLinks) return true;
    const path = url.pathname;
    return /\.html?$/.test(path) || /\d{5,}/.test(path) || (path.split('/').pop() ?? '').split('-').length >= 5;
  });
  let nextHref = selectors?.nextPage
    ? $(selectors.nextPage).first().attr('href')
    : $('a[rel="next"], link[rel="next"]').first().attr('href');
  if (!nextHref) {
    $('a[href]').each((_, el) => {
      if (!nextHref && /^(trang sau|trang tiếp|xem thêm|tiếp|»|›)$/i.test($(el).text().trim()))
        nextHref = $(el).attr('href');
    });
  }
  const [next] = nextHref ? absolute([nextHref], base) : [];
  return { articles: [...new Set(articles)], next: next ?? null };
}

function absolute(hrefs: readonly string[], base: string): string[] {
  const out: string[] = [];
  for (const href of hrefs) {
    try {
      const u = new URL(href, base);
      if (u.protocol === 'http:' || u.protocol === 'https:') {
        u.hash = '';
        out.push(u.toString());
      }
    } catch {
      // A broken link is skipped; the rest of the page is still crawled.
    }
  }
  return out;
}
