import type { CrawlResult } from '@kc/crawlers';
import type { StreamProcessorStats } from '@kc/pipeline';
import { Counter, Gauge, Registry } from 'prom-client';

/** Prometheus metrics of one process (more series arrive with the operations issue). */
export class KcMetrics {
  readonly registry = new Registry();
  readonly #pages = new Counter({
    name: 'kc_crawl_pages_total',
    help: 'Pages fetched, per source',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly #posts = new Counter({
    name: 'kc_crawl_posts_total',
    help: 'Posts published to the bus, per source',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly #errors = new Counter({
    name: 'kc_crawl_errors_total',
    help: 'Pages that could not be crawled, per source',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly #skipped = new Counter({
    name: 'kc_crawl_skipped_total',
    help: 'Pages skipped (unchanged, too old, robots.txt), per source',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly #pipeline = new Gauge({
    name: 'kc_pipeline_posts',
    help: 'Posts handled by the stream processor of this process, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly #lag = new Gauge({
    name: 'kc_bus_lag',
    help: 'Messages not yet processed, per consumer group and topic',
    labelNames: ['group', 'topic'],
    registers: [this.registry],
  });

  recordCrawl(r: CrawlResult): void {
    this.#pages.inc({ source: r.sourceId }, r.pages);
    this.#posts.inc({ source: r.sourceId }, r.posts);
    this.#errors.inc({ source: r.sourceId }, r.errors);
    this.#skipped.inc({ source: r.sourceId }, r.skipped);
  }

  recordPipeline(stats: StreamProcessorStats, lags: readonly { group: string; topic: string; lag: number }[]): void {
    this.#pipeline.set({ outcome: 'processed' }, stats.processed);
    this.#pipeline.set({ outcome: 'flagged' }, stats.flagged);
    this.#pipeline.set({ outcome: 'dead_lettered' }, stats.deadLettered);
    this.#pipeline.set({ outcome: 'cases_opened' }, stats.casesOpened);
    for (const l of lags) this.#lag.set({ group: l.group, topic: l.topic }, l.lag);
  }
}
