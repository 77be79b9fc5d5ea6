import type { CrawlerContext, CrawlResult } from './context.js';
import type { DemoWeb } from './demo-web/server.js';
import { NewsCrawler } from './news-crawler.js';
import { SocialPageCrawler } from './social-crawler.js';
import type { Source } from './sources.js';

export { CHROMIUM_ARGS, type CrawlerContext, type CrawlProgress, type CrawlResult } from './context.js';
export {
  DEMO_ARTICLES,
  DEMO_PAGE_NAME,
  DEMO_SITE_NAME,
  DEMO_SOCIAL_POSTS,
  type DemoArticle,
  type DemoExpectation,
  type DemoSocialPost,
} from './demo-web/content.js';
export { type DemoWeb, startDemoWeb } from './demo-web/server.js';
export { CrawlSetupError, SourceConfigError } from './errors.js';
export { type CrawlStateStore, MemoryCrawlState, type PageState } from './internal/crawl-state.js';
export { parseVietnameseDate } from './internal/dates.js';
export { extractArticle } from './internal/extract-article.js';
export { decodeToUtf8, FetchError, GuardedHttpClient } from './internal/http-client.js';
export {
  isPrivateAddress,
  type PrivateNetworkPolicy,
  privateAllowed,
  refuseUnsafeUrl,
} from './internal/network-guard.js';
export { extractPostsScript, SOCIAL_SHAPES, type SocialShape, type SocialShapeName } from './internal/social-shapes.js';
export { feedLinks, listingLinks, NewsCrawler, retryAfterMs, sitemapEntries } from './news-crawler.js';
export { SocialPageCrawler } from './social-crawler.js';
export { loadSources, parseSources, type Source, SourceSchema, SourcesFileSchema, scheduleMs } from './sources.js';

/** Runs the crawler that fits the source's kind. */
export async function crawlSource(source: Source, ctx: CrawlerContext): Promise<CrawlResult> {
  switch (source.kind) {
    case 'rss':
    case 'sitemap':
    case 'listing':
      return new NewsCrawler(source, ctx).run();
    case 'social_page':
      return new SocialPageCrawler(source, ctx).run();
    case 'tip':
      // Tips arrive through POST /api/tips, one URL at a time; there is nothing to crawl on a schedule.
      return { sourceId: source.id, pages: 0, posts: 0, errors: 0, skipped: 0, durationMs: 0 };
  }
}

/** The sources of the bundled demo web (loopback, so private networks are allowed). */
export function demoSources(web: DemoWeb): Source[] {
  return [
    {
      id: 'demo-tin-pho-nui',
      kind: 'rss',
      url: web.rssUrl,
      platform: 'web',
      region: 'Gia Lai',
      limits: { maxPages: 50, maxPosts: 50, maxAgeDays: 3650, delaySeconds: 0 },
      schedule: 'every 1h',
      allowPrivateNetwork: 'loopback' as const,
    },
    {
      id: 'demo-hoi-yeu-pleiku',
      kind: 'social_page',
      url: web.socialUrl,
      platform: 'facebook',
      region: 'Gia Lai / TP. Pleiku',
      limits: { maxPages: 1, maxPosts: 50, maxAgeDays: 3650, delaySeconds: 0 },
      schedule: 'every 1h',
      selectors: { socialShape: 'generic' as const },
      allowPrivateNetwork: 'loopback' as const,
    },
  ];
}
export { type CaptureResult, EvidenceCapturer } from './evidence-capturer.js';
export { SqliteCrawlState } from './sqlite-crawl-state.js';
export {
  platformOfUrl,
  type RecrawlOutcome,
  recrawlOutcome,
  startEvidenceWorker,
  startRecrawlWorker,
  startTipWorker,
  type Tip,
  type WorkerContext,
} from './workers.js';
