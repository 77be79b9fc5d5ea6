import type { CrawlResult } from '@kc/crawlers';
import type { StreamProcessorStats } from '@kc/pipeline';
import { CASE_STATUSES, type CaseStore } from '@kc/pipeline';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

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

  readonly #flags = new Gauge({
    name: 'kc_classifier_flagged_posts',
    help: 'Posts the classifier flagged in this process, by claim kind',
    labelNames: ['claim_type'],
    registers: [this.registry],
  });
  readonly #failedBatches = new Gauge({
    name: 'kc_pipeline_failed_batches',
    help: 'Batches a store or the bus failed in this process (retried); rising means an engine is unwell',
    registers: [this.registry],
  });
  readonly #cases = new Gauge({
    name: 'kc_cases',
    help: 'Cases by status',
    labelNames: ['status'],
    registers: [this.registry],
  });
  readonly #overdue = new Gauge({
    name: 'kc_cases_overdue',
    help: 'Cases whose verdict is past its deadline',
    registers: [this.registry],
  });
  readonly #http = new Histogram({
    name: 'kc_http_request_duration_seconds',
    help: 'Case API requests, by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** One API request (route as its template, e.g. /api/cases/:id). */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.#http.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  /** Reads the case counts from the store (at scrape time). */
  async recordCases(cases: CaseStore): Promise<void> {
    await Promise.all(
      CASE_STATUSES.map(async (status) => {
        this.#cases.set({ status }, (await cases.list({ status: [status], limit: 1, offset: 0 })).total);
      }),
    );
    this.#overdue.set((await cases.list({ overdue: true, limit: 1, offset: 0 })).total);
  }

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
    for (const [kind, n] of Object.entries(stats.flaggedByKind)) this.#flags.set({ claim_type: kind }, n);
    this.#failedBatches.set(stats.failedBatches);
  }
}
