import type { CaseStore, EvidenceStore, PostIndex, Readiness, User, UserStore } from '@kc/pipeline';

/** Everything the API needs, handed in by the process (no globals, no env reads here). */
export interface CaseApiContext {
  readonly cases: CaseStore;
  readonly index: PostIndex;
  readonly users: UserStore;
  readonly evidence: EvidenceStore;
  readonly sessionTtlSeconds: number;
  /** The organization that publishes rebuttals (ClaimReview author), e.g. "Sở TT&TT tỉnh Gia Lai". */
  readonly organization?: string;
  /** Heading of official documents: parent body, department, document symbol, place. */
  readonly letterhead?: { parentOrg: string; symbol: string; place: string };
  /** Live figures of the process (crawls, pipeline), shown at /api/system/status. */
  readonly status: () => Promise<Record<string, unknown>>;
  /** Queues evidence capture (screenshot + HTML) of these posts of a case. */
  readonly requestEvidence?: (caseId: string, postIds: readonly string[]) => Promise<void>;
  /**
   * Accepts a citizen tip: checks the URL (SSRF guard) and queues its capture. Returns the tip
   * id, or the reason the URL is refused.
   */
  readonly submitTip?: (tip: { url: string; note: string }) => Promise<{ id: string } | { refused: string }>;
  /** Whether the stores answer, for /readyz; without it /readyz checks the stores of this context. */
  readonly ready?: () => Promise<Readiness>;
  /** Called once per answered request, for the latency histogram. */
  readonly observeRequest?: (method: string, route: string, statusCode: number, seconds: number) => void;
  /** Prometheus exposition of the process's metrics, served at /metrics. */
  readonly metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Queues a re-crawl of these posts of a case, to see whether they were corrected or taken down. */
  readonly requestRecrawl?: (caseId: string, postIds: readonly string[]) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}
