/**
 * The ports: interfaces every storage adapter implements (SQLite for the embedded default;
 * Kafka and Elasticsearch for scale-out). Nothing here depends on an engine.
 */
import type {
  Awaiting,
  Case,
  CaseAction,
  CaseEvent,
  CaseStatus,
  Classification,
  Correction,
  Escalation,
  EscalationOutcome,
  EvidenceRef,
  Post,
  Poster,
  PosterIdentity,
  Rebuttal,
  Role,
  SavedSearch,
  User,
  Verdict,
} from './domain/index.js';
import type { DurationSummary } from './stats.js';

// ---------------------------------------------------------------- Bus

export const TOPICS = {
  postsRaw: 'posts.raw',
  postsDead: 'posts.dead',
  /** Capture a screenshot and HTML snapshot of a post: {postId, caseId, url, force}. */
  evidenceRequests: 'evidence.requests',
  /** Fetch a post again to see whether it was corrected or taken down: {postId, caseId}. */
  recrawlRequests: 'recrawl.requests',
  /** Citizen tips: {id, url, note, receivedAt}. */
  tipsReceived: 'tips.received',
} as const;

export interface BusRecord {
  readonly topic: string;
  readonly key: string;
  /** Raw bytes as published; consumers decode and validate them. */
  readonly value: Uint8Array;
  /** Position in the topic (string: Kafka offsets exceed 2^53). */
  readonly offset: string;
  readonly timestamp: string;
}

export interface ConsumeOptions {
  readonly group: string;
  readonly topic: string;
  readonly maxBatch: number;
  /**
   * Processes one batch. The batch is committed only after this resolves; if it throws,
   * the same batch is delivered again (at-least-once).
   */
  readonly handler: (batch: readonly BusRecord[]) => Promise<void>;
  readonly onError?: (err: unknown) => void;
}

export interface Consumer {
  /** Finishes the batch in flight, commits it, and stops. */
  stop(): Promise<void>;
}

export interface DeadLetter {
  readonly topic: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly offset: string;
  readonly reason: string;
}

export interface Bus {
  publish(topic: string, messages: readonly { key: string; value: string | Uint8Array }[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<Consumer>;
  /** Messages after the group's committed position. */
  lag(group: string, topic: string): Promise<number>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- PostIndex

export interface IndexedPost {
  readonly post: Post;
  readonly classification: Classification;
  readonly indexedAt: string;
  /**
   * `foldText` of the title and text joined by a line break, when the caller already has it (the
   * classifier folds the same text); the index folds them itself otherwise. Not stored as such.
   */
  readonly foldedText?: string;
}

export interface PostSearchQuery {
  readonly q?: string;
  readonly flagged?: boolean;
  readonly platform?: string;
  /** Start of a post's region: "Gia Lai" also finds "Gia Lai / TP. Pleiku". */
  readonly region?: string;
  readonly claimType?: readonly string[];
  /** Fetched in [from, to). */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface PostStats {
  readonly monitored: number;
  readonly flagged: number;
  readonly flaggedByDay: Readonly<Record<string, number>>;
  readonly flaggedByKind: Readonly<Record<string, number>>;
  readonly flaggedByPlatform: Readonly<Record<string, number>>;
  readonly flaggedByRegion: Readonly<Record<string, number>>;
}

export interface PostIndex {
  /** Inserts or replaces by post id; idempotent. */
  upsert(posts: readonly IndexedPost[]): Promise<void>;
  get(ids: readonly string[]): Promise<IndexedPost[]>;
  /** Adds evidence to a post (deduplicated by SHA-256); null when the post is unknown. */
  addEvidence(postId: string, refs: readonly EvidenceRef[]): Promise<IndexedPost | null>;
  search(query: PostSearchQuery): Promise<{ items: IndexedPost[]; total: number }>;
  count(): Promise<number>;
  /**
   * Posts fetched in [from, to), how many were flagged, and the flagged ones by day (Vietnam
   * time, every day of the range present), claim kind, platform and region; `region` matches the
   * start of a post's region. Posts without a kind, platform or region count under `unknown`.
   */
  stats(from: string, to: string, region?: string): Promise<PostStats>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- CaseStore

export interface CaseReport {
  readonly casesByKind: Readonly<Record<string, number>>;
  readonly casesByStatus: Readonly<Record<string, number>>;
  readonly corrections: number;
  readonly rebuttalsPublished: number;
  readonly escalations: number;
  /** From opening to verdict, for the cases opened in the range that have one. */
  readonly timeToVerdict: DurationSummary;
  readonly top: readonly Case[];
}

export interface Actor {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
}

export interface FlaggedPost {
  readonly postId: string;
  readonly title: string;
  readonly text: string;
  readonly classification: Classification;
  readonly author: Post['author'];
  readonly at: string;
  /** Reach of the post (reactions + 2 × comments + 3 × shares), 0 when unknown. */
  readonly reach?: number;
  readonly platform?: string;
  readonly region?: string | null;
}

/** What recording a flagged post did: opened its case, attached it, or neither (already there). */
export interface RecordResult {
  readonly caseId: string;
  readonly created: boolean;
  readonly attached: boolean;
}

export interface CaseListQuery {
  readonly status?: readonly CaseStatus[];
  readonly q?: string;
  readonly assignee?: string;
  /** Only cases with an approved escalation (what a police liaison may see). */
  readonly escalatedOnly?: boolean;
  /** Only cases whose verdict is overdue. */
  readonly overdue?: boolean;
  readonly claimType?: readonly string[];
  /** Cases with a post on this platform. */
  readonly platform?: string;
  /** Cases with a post whose region starts with this ("Gia Lai" finds "Gia Lai / TP. Pleiku"). */
  readonly region?: string;
  /** Opened in [from, to). */
  readonly from?: string;
  readonly to?: string;
  /** Cases waiting for any of these (an approval, a publication). */
  readonly awaiting?: readonly Awaiting[];
  /** `reach`: largest reach of the case's posts first. */
  readonly sort?: 'updated' | 'priority' | 'created' | 'reach';
  readonly limit: number;
  readonly offset: number;
}

/** One assignee's open work: cases in review, and how many of them are past their verdict deadline. */
export interface Workload {
  readonly assignee: string;
  readonly inReview: number;
  readonly overdue: number;
}

export interface CaseDetail {
  readonly case: Case;
  readonly postIds: readonly string[];
  readonly poster: Poster | null;
  readonly corrections: readonly Correction[];
  readonly escalations: readonly Escalation[];
  readonly rebuttals: readonly Rebuttal[];
}

/** A change to one case: the store checks version and workflow inside one transaction. */
export type CaseCommand =
  | { readonly action: 'assign'; readonly assignee: string }
  | { readonly action: 'dismiss'; readonly note: string }
  | {
      readonly action: 'verdict';
      readonly verdict: Verdict;
      readonly note: string;
      readonly sources: readonly string[];
    }
  | {
      readonly action: 'link_poster';
      readonly platform: string;
      readonly handle: string;
      readonly profileUrl: string | null;
      readonly displayName: string | null;
      readonly identity?: Partial<PosterIdentity> | null;
    }
  | {
      readonly action: 'request_correction';
      readonly recipient: string;
      readonly channel: string;
      readonly message: string;
      readonly dueAt: string;
    }
  | { readonly action: 'request_escalation'; readonly unit: string; readonly summary: string }
  | { readonly action: 'approve_escalation'; readonly escalationId: string }
  | {
      readonly action: 'draft_rebuttal';
      readonly title: string;
      readonly body: string;
      readonly sources: readonly string[];
    }
  | { readonly action: 'approve_rebuttal'; readonly rebuttalId: string }
  | {
      readonly action: 'publish_rebuttal';
      readonly rebuttalId: string;
      readonly where: string;
      readonly url: string | null;
      readonly publishedAt: string;
    }
  | { readonly action: 'acknowledge_escalation'; readonly escalationId: string }
  | { readonly action: 'progress_escalation'; readonly escalationId: string }
  | { readonly action: 'close_escalation'; readonly escalationId: string; readonly outcome: EscalationOutcome };

export interface CaseStore {
  /** Opens a case for the post's claim or attaches the post to the open one; idempotent per post. */
  recordFlaggedPost(post: FlaggedPost): Promise<RecordResult>;
  /**
   * The same for a batch of posts: one write and one audit entry per claim ("case_opened" for
   * the post that opens a case, "post_attached" naming the others). Results in the posts' order.
   */
  recordFlaggedPosts(posts: readonly FlaggedPost[]): Promise<RecordResult[]>;
  list(query: CaseListQuery): Promise<{ items: Case[]; total: number }>;
  /**
   * A value that changes whenever anything in the store may have changed, by this process or
   * any other, so that answers can be cached until it does; absent when the store cannot tell
   * cheaply (Elasticsearch).
   */
  changeToken?(): string;
  get(caseId: string): Promise<CaseDetail | null>;
  caseIdOfEscalation(escalationId: string): Promise<string | null>;
  caseIdOfRebuttal(rebuttalId: string): Promise<string | null>;
  caseIdOfCorrection(correctionId: string): Promise<string | null>;
  /**
   * Figures for the weekly report: cases opened in [from, to) and what was done in that time;
   * with `region`, only cases with a post from there (region prefix, as in CaseListQuery).
   */
  report(from: string, to: string, region?: string): Promise<CaseReport>;
  /** Cases in review per assignee, most first. */
  workload(): Promise<Workload[]>;
  /**
   * Applies a command. Throws NotFoundError, or ConflictError when `expectedVersion` is stale
   * or the workflow does not allow the action from the current status.
   */
  apply(caseId: string, command: CaseCommand, actor: Actor, expectedVersion?: number): Promise<CaseDetail>;
  /**
   * Records something that happened to a case without changing it (evidence captured, a
   * re-crawl's result) on its timeline and in the audit log.
   */
  note(caseId: string, actor: string, action: string, data: Record<string, unknown>): Promise<void>;
  /** A poster with identity, and the ids of its cases; null when unknown. */
  poster(posterId: string): Promise<{ poster: Poster; caseIds: string[] } | null>;
  /** Moves every case of `fromId` to `intoId` and marks `fromId` merged. */
  mergePosters(fromId: string, intoId: string, actor: Actor): Promise<Poster>;
  /** Appends an audit entry not tied to a change (e.g. a view of poster identity). */
  auditEvent(caseId: string | null, actor: string, action: string, data: Record<string, unknown>): Promise<void>;
  /** Sets the status of the case's open correction requests (after a re-crawl). */
  settleCorrections(caseId: string, status: Correction['status'], actor: string): Promise<number>;
  /** Audit entries after `seq` (all cases), oldest first: the outbox that notifications tail. */
  auditSince(seq: number, limit: number): Promise<CaseEvent[]>;
  /**
   * Retention: erases the identity of posters whose every case was dismissed more than `days`
   * ago. Returns the posters erased.
   */
  eraseDismissedIdentities(days: number, actor: string): Promise<string[]>;
  /** Correction requests past their due date and not yet re-checked; marks them as being checked. */
  claimDueCorrections(now: string): Promise<{ caseId: string; correctionId: string; postIds: string[] }[]>;
  /** A named consumer's position in the audit log (0 when new). */
  cursor(name: string): Promise<number>;
  setCursor(name: string, seq: number): Promise<void>;
  /** The case's audit entries, oldest first. */
  audit(caseId: string): Promise<CaseEvent[]>;
  /** Re-hashes the whole chain; returns the first broken sequence number, if any. */
  verifyAudit(): Promise<{ ok: boolean; entries: number; brokenAt: number | null; reason: string | null }>;
  close(): Promise<void>;
}

export type { CaseAction };

// ---------------------------------------------------------------- Users

/** A login attempt: the user, or a refusal with the end of the lockout when the name is locked. */
export type LoginResult =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly lockedUntil: string | null };

/** A user as administrators see it: with the account's state. */
export interface Account extends User {
  /** When an administrator disabled it; null when it may log in. */
  readonly disabledAt: string | null;
  /** Until when logins are refused after repeated failures; null when not locked. */
  readonly lockedUntil: string | null;
  /** Consecutive failed logins counted toward the lock. */
  readonly failedLogins: number;
}

export interface UserStore {
  add(input: { username: string; role: Role; password: string; displayName?: string | null }): Promise<User>;
  /** Users that may log in (disabled accounts are left out: no work goes to them). */
  list(): Promise<User[]>;
  /** Every account with its state, disabled ones included, for administrators. */
  accounts(now?: Date): Promise<Account[]>;
  /** Clears a username's failed logins and lock; false when there was nothing to clear. */
  unlock(username: string): Promise<boolean>;
  /** A new password: ends the user's sessions and clears the lock. NotFoundError for no such user. */
  setPassword(username: string, password: string): Promise<User>;
  /**
   * Disables an account (its sessions end; logins answer as a wrong password does) or enables it
   * again. NotFoundError for no such user.
   */
  setDisabled(username: string, disabled: boolean, now?: Date): Promise<User>;
  /** Accounts, disabled ones included (none at all: the first start creates the demo accounts). */
  count(): Promise<number>;
  /** Checks the password; null when the user does not exist, is disabled or the password is wrong. */
  authenticate(username: string, password: string): Promise<User | null>;
  /**
   * A login attempt with lockout: after LOGIN_LOCKOUT.failures consecutive failures a username
   * (known or not) is refused for LOGIN_LOCKOUT.minutes, whatever the password; success resets.
   */
  login(username: string, password: string, now?: Date): Promise<LoginResult>;
  createSession(userId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: string }>;
  /** The user of a live session, or null when unknown or expired. */
  resolveSession(token: string): Promise<User | null>;
  revokeSession(token: string): Promise<void>;
  /** Saves a named search of the user; ConflictError when the name is taken or the user has too many. */
  saveSearch(
    userId: string,
    input: { name: string; target: SavedSearch['target']; query: Record<string, string> },
  ): Promise<SavedSearch>;
  listSearches(userId: string): Promise<SavedSearch[]>;
  /** False when the user has no search with that id. */
  deleteSearch(userId: string, id: string): Promise<boolean>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- Evidence

export interface EvidenceMeta {
  readonly kind: 'html' | 'screenshot';
  readonly url: string;
  readonly capturedAt: string;
  readonly contentType: string;
}

export interface EvidenceStore {
  /** Stores bytes by SHA-256; storing the same bytes twice is a no-op. */
  put(bytes: Uint8Array, meta: EvidenceMeta): Promise<{ sha256: string; bytes: number }>;
  get(sha256: string): Promise<{ bytes: Uint8Array; meta: EvidenceMeta } | null>;
  /** Re-hashes every blob; lists the ones whose content no longer matches its name. */
  verify(): Promise<{ checked: number; tampered: string[] }>;
}
