import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, type CaseApp } from '@kc/case-api';
import { Classifier } from '@kc/classifier';
import {
  type CrawlResult,
  crawlSource,
  type DemoWeb,
  demoSources,
  EvidenceCapturer,
  loadSources,
  type PrivateNetworkPolicy,
  refuseUnsafeUrl,
  type Source,
  SqliteCrawlState,
  scheduleMs,
  startEvidenceWorker,
  startRecrawlWorker,
  startTipWorker,
} from '@kc/crawlers';
import { type Consumer, checkReadiness, type Post, type Role, StreamProcessor, TOPICS } from '@kc/pipeline';
import pino, { type Logger } from 'pino';
import type { KcConfig } from './config.js';
import { KcMetrics } from './metrics.js';
import { Notifier } from './notifier.js';
import { closeStores, openStores, type Stores, startDemoWebOnSamePort, storeOptions } from './stores.js';

export const DEMO_USERS: readonly { username: string; role: Role; displayName: string }[] = [
  { username: 'phantich', role: 'analyst', displayName: 'Chuyên viên Thanh tra' },
  { username: 'phantich2', role: 'analyst', displayName: 'Chuyên viên Thanh tra 2' },
  { username: 'giamsat', role: 'supervisor', displayName: 'Chánh Thanh tra' },
  { username: 'baochi', role: 'press_office', displayName: 'Phòng Thông tin – Báo chí – Xuất bản' },
  { username: 'congan', role: 'police_liaison', displayName: 'Cán bộ liên lạc Công an tỉnh' },
  { username: 'quantri', role: 'admin', displayName: 'Quản trị hệ thống' },
];

export interface CrawlRound {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly results: readonly (CrawlResult | { sourceId: string; error: string })[];
}

/**
 * The whole system in one process on the embedded default: stores, stream processor,
 * crawl scheduler (and the demo web when no sources are configured), case API and console.
 */
export class KcRuntime {
  readonly config: KcConfig;
  readonly log: Logger;
  readonly stores: Stores;
  readonly processor: StreamProcessor;
  readonly demo: boolean;
  app: CaseApp | null = null;
  url: string | null = null;
  #demoWeb: DemoWeb | null = null;
  #sources: Source[] = [];
  #lastCrawl = new Map<string, number>();
  readonly #crawlState: SqliteCrawlState;
  #rounds: CrawlRound[] = [];
  readonly #capturer: EvidenceCapturer;
  readonly metrics = new KcMetrics();
  readonly #notifier: Notifier;
  #workers: Consumer[] = [];
  #crawling: Promise<CrawlRound> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #maintenanceTimer: NodeJS.Timeout | null = null;
  #maintenance: Promise<void> | null = null;
  #stopped = false;

  private constructor(config: KcConfig, log: Logger, stores: Stores) {
    this.config = config;
    this.log = log;
    this.stores = stores;
    this.processor = new StreamProcessor({
      bus: this.stores.bus,
      index: this.stores.index,
      cases: this.stores.cases,
      classifier: new Classifier(),
      log: log.child({ component: 'pipeline' }),
    });
    this.#crawlState = SqliteCrawlState.create({ file: join(config.dataDir, 'crawl.sqlite') });
    this.#capturer = new EvidenceCapturer({ chromiumPath: config.KC_CHROMIUM_PATH, evidence: this.stores.evidence });
    this.#notifier = new Notifier({
      cases: this.stores.cases,
      log: log.child({ component: 'notifications' }),
      webhookUrl: config.KC_NOTIFY_WEBHOOK_URL,
      webhookSecret: config.KC_NOTIFY_WEBHOOK_SECRET,
      smtpUrl: config.KC_SMTP_URL,
      emailTo: (config.KC_NOTIFY_EMAILS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      emailFrom: config.KC_NOTIFY_FROM,
      pollMs: config.KC_NOTIFY_POLL_MS,
    });
    const sourcesFile = config.KC_SOURCES_FILE ?? join(config.dataDir, 'sources.yaml');
    this.demo = !config.KC_SOURCES_FILE && !existsSync(sourcesFile);
    if (!this.demo) this.#sources = loadSources(sourcesFile);
  }

  static async start(config: KcConfig, options: { log?: Logger } = {}): Promise<KcRuntime> {
    const log = options.log ?? pino({ level: config.KC_LOG_LEVEL });
    const rt = new KcRuntime(config, log, await openStores(config.dataDir, storeOptions(config)));
    try {
      if (rt.demo) {
        rt.#demoWeb = await startDemoWebOnSamePort(config.dataDir);
        rt.#sources = demoSources(rt.#demoWeb);
        await rt.#ensureDemoUsers();
      }
      await rt.processor.start();
      const workerCtx = {
        bus: rt.stores.bus,
        index: rt.stores.index,
        cases: rt.stores.cases,
        policyFor: (sourceId: string) => rt.#policyFor(sourceId),
      };
      rt.#workers = [
        await startEvidenceWorker({ ...workerCtx, capturer: rt.#capturer, log: log.child({ component: 'evidence' }) }),
        await startRecrawlWorker({ ...workerCtx, log: log.child({ component: 'recrawl' }) }),
        await startTipWorker({
          ...workerCtx,
          capturer: rt.#capturer,
          evidence: rt.stores.evidence,
          policy: rt.#tipPolicy(),
          publish: (posts) => rt.#publish(posts),
          log: log.child({ component: 'tips' }),
        }),
      ];
      rt.app = await buildApp(
        {
          cases: rt.stores.cases,
          index: rt.stores.index,
          users: rt.stores.users,
          evidence: rt.stores.evidence,
          sessionTtlSeconds: Math.round(config.KC_SESSION_TTL_HOURS * 3600),
          organization: config.KC_ORG_NAME,
          letterhead: {
            parentOrg: `UBND tỉnh ${config.KC_PROVINCE}`,
            symbol: config.KC_DOC_SYMBOL,
            place: config.KC_PROVINCE,
          },
          status: () => rt.status(),
          ready: () => checkReadiness(rt.stores),
          observeRequest: (method, route, code, seconds) => rt.metrics.observeRequest(method, route, code, seconds),
          requestEvidence: (caseId, postIds) => rt.#request(TOPICS.evidenceRequests, caseId, postIds),
          requestRecrawl: (caseId, postIds) => rt.#request(TOPICS.recrawlRequests, caseId, postIds),
          submitTip: (tip) => rt.#submitTip(tip),
          metrics: async () => {
            const lags = await Promise.all(
              [
                ['pipeline', TOPICS.postsRaw],
                ['evidence', TOPICS.evidenceRequests],
                ['recrawl', TOPICS.recrawlRequests],
                ['tips', TOPICS.tipsReceived],
              ].map(async ([group, topic]) => ({
                group: group!,
                topic: topic!,
                lag: await rt.stores.bus.lag(group!, topic!),
              })),
            );
            rt.metrics.recordPipeline(rt.processor.stats, lags);
            await rt.metrics.recordCases(rt.stores.cases);
            return { contentType: rt.metrics.registry.contentType, body: await rt.metrics.registry.metrics() };
          },
        },
        {
          loggerInstance: log.child({ component: 'api' }),
          ...(config.KC_TRUST_PROXY ? { trustProxy: config.KC_TRUST_PROXY } : {}),
        },
      );
      const address = await rt.app.listen({ port: config.PORT, host: config.KC_HOST });
      rt.url = address.replace('[::1]', 'localhost');
      rt.#schedule(0);
      rt.#notifier.start();
      rt.#maintain();
      return rt;
    } catch (err) {
      await rt.stop().catch(() => {});
      throw err;
    }
  }

  /**
   * Runs one crawl round (one source at a time; a failing source does not stop the others):
   * every source, or with `dueOnly` those whose schedule says they are due.
   */
  crawlOnce(options: { dueOnly?: boolean } = {}): Promise<CrawlRound> {
    this.#crawling ??= (async () => {
      const startedAt = new Date().toISOString();
      const results: CrawlRound['results'][number][] = [];
      for (const source of this.#sources) {
        if (this.#stopped) break;
        const last = this.#lastCrawl.get(source.id) ?? 0;
        if (options.dueOnly && Date.now() - last < scheduleMs(source.schedule)) continue;
        this.#lastCrawl.set(source.id, Date.now());
        try {
          const r = await crawlSource(source, {
            evidence: this.stores.evidence,
            log: this.log.child({ component: 'crawler', sourceId: source.id }),
            chromiumPath: this.config.KC_CHROMIUM_PATH,
            publish: (posts) => this.#publish(posts),
            state: this.#crawlState,
          });
          this.log.info(
            r,
            `crawled ${source.id}: ${r.pages} pages, ${r.posts} posts, ${r.skipped} skipped, ${r.errors} errors`,
          );
          results.push(r);
          this.metrics.recordCrawl(r);
        } catch (err) {
          this.log.error({ sourceId: source.id, err }, `crawl of ${source.id} failed`);
          results.push({ sourceId: source.id, error: (err as Error).message });
        }
      }
      const round = { startedAt, finishedAt: new Date().toISOString(), results };
      this.#rounds.push(round);
      if (this.#rounds.length > 20) this.#rounds.shift();
      return round;
    })().finally(() => {
      this.#crawling = null;
    });
    return this.#crawling;
  }

  async status(): Promise<Record<string, unknown>> {
    return {
      mode: 'embedded',
      demo: this.demo,
      sources: this.#sources.map((s) => ({ id: s.id, kind: s.kind, url: s.url })),
      crawl: { rounds: this.#rounds.length, running: this.#crawling !== null, last: this.#rounds.at(-1) ?? null },
      pipeline: { ...this.processor.stats, lag: await this.stores.bus.lag('pipeline', TOPICS.postsRaw) },
      posts: await this.stores.index.count(),
    };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#maintenanceTimer) clearTimeout(this.#maintenanceTimer);
    await this.#maintenance;
    await this.#crawling?.catch(() => {});
    await this.app?.close();
    await this.#notifier.stop();
    await this.processor.stop();
    for (const w of this.#workers) await w.stop();
    await this.#capturer.close();
    await this.#demoWeb?.close();
    this.#crawlState.close();
    await closeStores(this.stores);
  }

  /**
   * The first round crawls every source; later rounds run every KC_CRAWL_INTERVAL_MINUTES (0:
   * never) and crawl the sources whose own schedule says they are due.
   */
  #schedule(delayMs: number, dueOnly = false): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(async () => {
      await this.crawlOnce({ dueOnly }).catch((err) => this.log.error({ err }, 'crawl round failed'));
      const minutes = this.config.KC_CRAWL_INTERVAL_MINUTES;
      if (minutes > 0) this.#schedule(minutes * 60_000, true);
    }, delayMs);
    this.#timer.unref();
  }

  /**
   * Every minute: correction requests past their due date get their posts re-crawled (the result
   * settles them), and poster identity on long-dismissed cases is erased (retention).
   */
  #maintain(): void {
    if (this.#stopped) return;
    const run = async () => {
      const due = await this.stores.cases.claimDueCorrections(new Date().toISOString());
      for (const d of due) await this.#request(TOPICS.recrawlRequests, d.caseId, d.postIds);
      const erased = await this.stores.cases.eraseDismissedIdentities(
        this.config.KC_RETENTION_DAYS,
        'system:retention',
      );
      if (due.length || erased.length)
        this.log.info({ dueCorrections: due.length, erased: erased.length }, 'maintenance');
    };
    this.#maintenance = run()
      .catch((err) => this.log.error({ err }, 'maintenance failed'))
      .finally(() => {
        if (this.#stopped) return;
        this.#maintenanceTimer = setTimeout(() => this.#maintain(), 60_000);
        this.#maintenanceTimer.unref();
      });
  }

  /** Tips may point only at public addresses; in demo mode also at the demo web on loopback. */
  #tipPolicy(): PrivateNetworkPolicy {
    return this.demo ? 'loopback' : false;
  }

  async #submitTip(tip: { url: string; note: string }): Promise<{ id: string } | { refused: string }> {
    const refused = await refuseUnsafeUrl(tip.url, this.#tipPolicy());
    if (refused) return { refused };
    const id = `tip_${randomUUID()}`;
    await this.stores.bus.publish(TOPICS.tipsReceived, [
      { key: id, value: JSON.stringify({ id, url: tip.url, note: tip.note, receivedAt: new Date().toISOString() }) },
    ]);
    return { id };
  }

  /** How far the source of a post may reach into private networks (the demo web is on loopback). */
  #policyFor(sourceId: string): PrivateNetworkPolicy {
    return this.#sources.find((s) => s.id === sourceId)?.allowPrivateNetwork ?? false;
  }

  async #request(topic: string, caseId: string, postIds: readonly string[]): Promise<void> {
    await this.stores.bus.publish(
      topic,
      postIds.map((postId) => ({ key: postId, value: JSON.stringify({ postId, caseId, force: true }) })),
    );
  }

  async #publish(posts: readonly Post[]): Promise<void> {
    await this.stores.bus.publish(
      TOPICS.postsRaw,
      posts.map((p) => ({ key: p.id, value: JSON.stringify(p) })),
    );
  }

  async #ensureDemoUsers(): Promise<void> {
    if ((await this.stores.users.count()) > 0) return;
    for (const u of DEMO_USERS) {
      await this.stores.users.add({ ...u, password: this.config.KC_DEMO_PASSWORD });
    }
    this.log.info({ users: DEMO_USERS.map((u) => u.username) }, 'demo accounts created');
  }
}
