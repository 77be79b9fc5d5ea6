import { randomUUID } from 'node:crypto';
import { auditHash, GENESIS_HASH, verifyChain } from '../audit-chain.js';
import {
  attachedData,
  attachPost,
  groupByClaim,
  inPostOrder,
  OPEN_ESCALATION,
  openCase,
  PIPELINE_ACTOR,
  posterIdOf,
} from '../case-commands.js';
import {
  type Awaiting,
  type Case,
  type CaseEvent,
  type CaseStatus,
  type Correction,
  canTransition,
  type Escalation,
  type Poster,
  type Rebuttal,
  statusForVerdict,
} from '../domain/index.js';
import { ConflictError, NotFoundError, StorageError } from '../errors.js';
import type {
  Actor,
  CaseCommand,
  CaseDetail,
  CaseListQuery,
  CaseReport,
  CaseStore,
  FlaggedPost,
  RecordResult,
  Workload,
} from '../ports.js';
import { type AuditRecord, eventOf, type PosterRecord, posterOf } from '../records.js';
import { summarizeDurations } from '../stats.js';
import { changeTracker, type Db, migrate, openDb, type SqliteSchema, statementCache } from './db.js';
import { ftsQuery, ftsText, likePrefix } from './fts.js';

const SCHEMA = [
  `CREATE TABLE cases (
     id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     version INTEGER NOT NULL,
     claim_key TEXT NOT NULL,
     claim_type TEXT,
     title TEXT NOT NULL,
     score REAL NOT NULL,
     post_count INTEGER NOT NULL,
     assignee TEXT,
     poster_id TEXT REFERENCES posters (id),
     verdict TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX cases_claim ON cases (claim_key, status);
   CREATE INDEX cases_status ON cases (status, updated_at);
   CREATE INDEX cases_updated ON cases (updated_at);
   CREATE TABLE case_posts (
     post_id TEXT PRIMARY KEY,
     case_id TEXT NOT NULL REFERENCES cases (id),
     attached_at TEXT NOT NULL
   );
   CREATE INDEX case_posts_case ON case_posts (case_id, attached_at);
   CREATE VIRTUAL TABLE cases_fts USING fts5(case_id UNINDEXED, folded, tokenize = 'unicode61 remove_diacritics 2');
   CREATE TABLE posters (
     id TEXT PRIMARY KEY,
     platform TEXT NOT NULL,
     handle TEXT NOT NULL,
     profile_url TEXT,
     display_name TEXT,
     created_at TEXT NOT NULL
   );
   CREATE TABLE corrections (
     id TEXT PRIMARY KEY,
     case_id TEXT NOT NULL REFERENCES cases (id),
     recipient TEXT NOT NULL,
     channel TEXT NOT NULL,
     message TEXT NOT NULL,
     due_at TEXT NOT NULL,
     status TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE escalations (
     id TEXT PRIMARY KEY,
     case_id TEXT NOT NULL REFERENCES cases (id),
     unit TEXT NOT NULL,
     summary TEXT NOT NULL,
     status TEXT NOT NULL,
     requested_by TEXT NOT NULL,
     requested_at TEXT NOT NULL,
     approved_by TEXT,
     approved_at TEXT,
     acknowledged_by TEXT,
     acknowledged_at TEXT
   );
   CREATE INDEX escalations_case ON escalations (case_id);
   CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY,
     case_id TEXT,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     from_status TEXT,
     to_status TEXT,
     data TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE INDEX audit_case ON audit_log (case_id, seq);`,
  // 2: poster identity (restricted), merges.
  `ALTER TABLE posters ADD COLUMN real_name TEXT;
   ALTER TABLE posters ADD COLUMN phone TEXT;
   ALTER TABLE posters ADD COLUMN address TEXT;
   ALTER TABLE posters ADD COLUMN id_number TEXT;
   ALTER TABLE posters ADD COLUMN merged_into TEXT REFERENCES posters (id);
   CREATE INDEX cases_poster ON cases (poster_id);`,
  // 3: priority, reach and verdict deadline.
  `ALTER TABLE cases ADD COLUMN priority REAL NOT NULL DEFAULT 0;
   ALTER TABLE cases ADD COLUMN reach INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE cases ADD COLUMN verdict_due_at TEXT;
   CREATE INDEX cases_priority ON cases (priority DESC, updated_at DESC);
   CREATE INDEX cases_due ON cases (status, verdict_due_at);`,
  // 4: rebuttals by the press office.
  `CREATE TABLE rebuttals (
     id TEXT PRIMARY KEY,
     case_id TEXT NOT NULL REFERENCES cases (id),
     title TEXT NOT NULL,
     body TEXT NOT NULL,
     sources TEXT NOT NULL,
     status TEXT NOT NULL,
     drafted_by TEXT NOT NULL,
     drafted_at TEXT NOT NULL,
     approved_by TEXT,
     approved_at TEXT,
     published_where TEXT,
     published_url TEXT,
     published_at TEXT
   );
   CREATE INDEX rebuttals_case ON rebuttals (case_id);`,
  // 5: escalation outcomes reported back by the police.
  `ALTER TABLE escalations ADD COLUMN outcome TEXT;
   ALTER TABLE escalations ADD COLUMN closed_at TEXT;
   ALTER TABLE cases ADD COLUMN outcome TEXT;`,
  // 6: positions of audit-log consumers (notifications).
  `CREATE TABLE audit_cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);`,
  // 7: when a correction's due date was checked by a re-crawl.
  `ALTER TABLE corrections ADD COLUMN due_checked_at TEXT;`,
  // 8: platform and region of each post of a case, for search filters and district reports.
  `ALTER TABLE case_posts ADD COLUMN platform TEXT;
   ALTER TABLE case_posts ADD COLUMN region TEXT;
   CREATE INDEX case_posts_platform ON case_posts (platform, case_id);
   CREATE INDEX case_posts_region ON case_posts (region, case_id);
   CREATE INDEX cases_created ON cases (created_at);`,
  // 9: each list order whole in one index, tie-breaking id included: a page deep in the queue is
  //    found by walking the index, not by sorting every case of the same priority and time.
  `DROP INDEX cases_priority;
   DROP INDEX cases_updated;
   DROP INDEX cases_created;
   CREATE INDEX cases_priority ON cases (priority DESC, updated_at DESC, id);
   CREATE INDEX cases_updated ON cases (updated_at DESC, id);
   CREATE INDEX cases_created ON cases (created_at DESC, id);
   CREATE INDEX cases_reach ON cases (reach DESC, priority DESC, id);`,
];

/** Schema of this store, applied at open (and by `kc migrate`). */
export const CASE_STORE_SCHEMA: SqliteSchema = { component: 'case_store', steps: SCHEMA };

const ORDER = {
  updated: 'c.updated_at DESC, c.id',
  priority: 'c.priority DESC, c.updated_at DESC, c.id',
  created: 'c.created_at DESC, c.id',
  reach: 'c.reach DESC, c.priority DESC, c.id',
} as const;

/** The condition for each thing a case may wait for (fixed SQL, no user input). */
const AWAITING_SQL: Record<Awaiting, string> = {
  escalation_approval: `EXISTS (SELECT 1 FROM escalations e WHERE e.case_id = c.id AND e.status = 'pending_approval')`,
  rebuttal_approval: `EXISTS (SELECT 1 FROM rebuttals r WHERE r.case_id = c.id AND r.status = 'draft')`,
  rebuttal_publication: `EXISTS (SELECT 1 FROM rebuttals r WHERE r.case_id = c.id AND r.status = 'approved')`,
};

interface CaseRow {
  id: string;
  status: CaseStatus;
  version: number;
  claim_key: string;
  claim_type: Case['claimType'];
  priority: number;
  reach: number;
  verdict_due_at: string | null;
  title: string;
  score: number;
  post_count: number;
  assignee: string | null;
  poster_id: string | null;
  verdict: string | null;
  created_at: string;
  updated_at: string;
}

/** CaseStore and the hash-chained audit log in SQLite; every change is one transaction. */
export class SqliteCaseStore implements CaseStore {
  readonly #db: Db;
  readonly #sql: ReturnType<typeof statementCache>;
  /** Writes of this process at once, of other processes within 100 ms (like an Elasticsearch refresh). */
  readonly #changes: () => string;

  readonly #verdictDeadlineMs: number;

  static create(options: { file: string; verdictDeadlineHours?: number }): SqliteCaseStore {
    if (!options.file) throw new TypeError('SqliteCaseStore needs a file');
    const hours = options.verdictDeadlineHours ?? 24;
    if (!(hours > 0)) throw new RangeError(`verdictDeadlineHours must be positive, got ${hours}`);
    return new SqliteCaseStore(openDb(options.file), hours);
  }

  private constructor(db: Db, verdictDeadlineHours: number) {
    this.#db = db;
    this.#sql = statementCache(db);
    this.#changes = changeTracker(db);
    this.#verdictDeadlineMs = verdictDeadlineHours * 3_600_000;
    migrate(this.#db, CASE_STORE_SCHEMA);
  }

  async recordFlaggedPost(post: FlaggedPost): Promise<RecordResult> {
    return (await this.recordFlaggedPosts([post]))[0]!;
  }

  async recordFlaggedPosts(posts: readonly FlaggedPost[]): Promise<RecordResult[]> {
    const groups = groupByClaim(posts);
    return this.#write(() => {
      const byPost = new Map<string, RecordResult>();
      for (const [claimKey, group] of groups) this.#recordClaim(claimKey, group, byPost);
      return inPostOrder(posts, byPost);
    });
  }

  /**
   * Opens the claim's case or attaches the posts to the open one: one update and one audit
   * entry for the posts attached (plus "case_opened" when the first post opens it).
   */
  #recordClaim(claimKey: string, posts: readonly FlaggedPost[], byPost: Map<string, RecordResult>): void {
    const fresh: FlaggedPost[] = [];
    for (const post of posts) {
      const known = this.#sql('SELECT case_id FROM case_posts WHERE post_id = ?').get(post.postId) as
        | { case_id: string }
        | undefined;
      if (known) byPost.set(post.postId, { caseId: known.case_id, created: false, attached: false });
      else fresh.push(post);
    }
    if (fresh.length === 0) return;

    const row = this.#sql(
      `SELECT * FROM cases WHERE claim_key = ? AND status != 'closed' ORDER BY created_at DESC LIMIT 1`,
    ).get(claimKey) as CaseRow | undefined;
    let current = row ? toCase(row) : null;
    let attach = fresh;
    if (!current) {
      const first = fresh[0]!;
      current = openCase(first, new Date(), this.#verdictDeadlineMs);
      this.#sql(
        `INSERT INTO cases (id, status, version, claim_key, claim_type, title, score, post_count, created_at, updated_at,
             reach, priority, verdict_due_at)
           VALUES (?, 'new', 1, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
      ).run(
        current.id,
        claimKey,
        current.claimType,
        current.title,
        current.score,
        current.createdAt,
        current.updatedAt,
        current.reach,
        current.priority,
        // The clock starts when the inspectorate detects the post, not when it was published.
        current.verdictDueAt,
      );
      this.#linkPost(current.id, first);
      this.#appendAudit(
        current.id,
        PIPELINE_ACTOR,
        'case_opened',
        null,
        'new',
        { postId: first.postId, claimKey },
        first.at,
      );
      byPost.set(first.postId, { caseId: current.id, created: true, attached: true });
      attach = fresh.slice(1);
    }
    const { id: caseId, status } = current;
    for (const post of attach) byPost.set(post.postId, { caseId, created: false, attached: true });
    if (attach.length === 0) return;

    const after = attach.reduce(attachPost, current);
    this.#sql(
      `UPDATE cases SET post_count = ?, score = ?, version = ?, updated_at = ?, reach = ?, priority = ? WHERE id = ?`,
    ).run(after.postCount, after.score, after.version, after.updatedAt, after.reach, after.priority, caseId);
    for (const post of attach) this.#linkPost(caseId, post);
    this.#appendAudit(caseId, PIPELINE_ACTOR, 'post_attached', status, status, attachedData(attach), attach.at(-1)!.at);
  }

  #linkPost(caseId: string, post: FlaggedPost): void {
    this.#sql('INSERT INTO case_posts (post_id, case_id, attached_at, platform, region) VALUES (?, ?, ?, ?, ?)').run(
      post.postId,
      caseId,
      post.at,
      post.platform ?? null,
      post.region ?? null,
    );
    this.#sql('INSERT INTO cases_fts (case_id, folded) VALUES (?, ?)').run(caseId, ftsText(post.title, post.text));
  }

  async list(query: CaseListQuery): Promise<{ items: Case[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status && query.status.length > 0) {
      where.push(`c.status IN (${query.status.map(() => '?').join(', ')})`);
      params.push(...query.status);
    }
    if (query.assignee) {
      where.push('c.assignee = ?');
      params.push(query.assignee);
    }
    if (query.overdue) {
      where.push(`c.status IN ('new', 'in_review') AND c.verdict_due_at < ?`);
      params.push(new Date().toISOString());
    }
    if (query.escalatedOnly) {
      where.push(`EXISTS (SELECT 1 FROM escalations e WHERE e.case_id = c.id AND e.status != 'pending_approval')`);
    }
    if (query.awaiting && query.awaiting.length > 0) {
      where.push(`(${query.awaiting.map((a) => AWAITING_SQL[a]).join(' OR ')})`);
    }
    if (query.claimType && query.claimType.length > 0) {
      where.push(`c.claim_type IN (${query.claimType.map(() => '?').join(', ')})`);
      params.push(...query.claimType);
    }
    if (query.platform) {
      where.push('EXISTS (SELECT 1 FROM case_posts cp WHERE cp.case_id = c.id AND cp.platform = ?)');
      params.push(query.platform);
    }
    if (query.region) {
      where.push(`EXISTS (SELECT 1 FROM case_posts cp WHERE cp.case_id = c.id AND cp.region LIKE ? ESCAPE '\\')`);
      params.push(likePrefix(query.region));
    }
    if (query.from) {
      where.push('c.created_at >= ?');
      params.push(query.from);
    }
    if (query.to) {
      where.push('c.created_at < ?');
      params.push(query.to);
    }
    if (query.q !== undefined && query.q.trim() !== '') {
      const match = ftsQuery(query.q);
      if (!match) return { items: [], total: 0 };
      where.push('c.id IN (SELECT case_id FROM cases_fts WHERE cases_fts MATCH ?)');
      params.push(match);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.#sql(`SELECT COUNT(*) AS n FROM cases c ${clause}`).get(...params) as { n: number }).n;
    const rows = this.#sql(
      `SELECT c.* FROM cases c ${clause} ORDER BY ${ORDER[query.sort ?? 'updated']} LIMIT ? OFFSET ?`,
    ).all(...params, query.limit, query.offset) as CaseRow[];
    return { items: rows.map(toCase), total };
  }

  changeToken(): string {
    return this.#changes();
  }

  async get(caseId: string): Promise<CaseDetail | null> {
    return this.#detail(caseId);
  }

  async caseIdOfCorrection(correctionId: string): Promise<string | null> {
    const row = this.#sql('SELECT case_id FROM corrections WHERE id = ?').get(correctionId) as
      | { case_id: string }
      | undefined;
    return row?.case_id ?? null;
  }

  async report(from: string, to: string, region?: string): Promise<CaseReport> {
    // With a region, only the cases that have a post from there.
    const inRegion = region
      ? ` AND EXISTS (SELECT 1 FROM case_posts cp WHERE cp.case_id = cases.id AND cp.region LIKE @region ESCAPE '\\')`
      : '';
    const ofCase = (table: string) =>
      region
        ? ` AND ${table}.case_id IN (SELECT cp.case_id FROM case_posts cp WHERE cp.region LIKE @region ESCAPE '\\')`
        : '';
    const params = { from, to, ...(region ? { region: likePrefix(region) } : {}) };
    const group = (sql: string) =>
      Object.fromEntries(
        (this.#sql(sql).all(params) as { k: string | null; n: number }[]).map((r) => [r.k ?? 'unknown', r.n]),
      );
    const count = (sql: string) => (this.#sql(sql).get(params) as { n: number }).n;
    const opened = `created_at >= @from AND created_at < @to${inRegion}`;
    return {
      casesByKind: group(`SELECT claim_type AS k, COUNT(*) AS n FROM cases WHERE ${opened} GROUP BY k ORDER BY n DESC`),
      casesByStatus: group(`SELECT status AS k, COUNT(*) AS n FROM cases WHERE ${opened} GROUP BY k ORDER BY n DESC`),
      corrections: count(
        `SELECT COUNT(*) AS n FROM corrections WHERE created_at >= @from AND created_at < @to${ofCase('corrections')}`,
      ),
      rebuttalsPublished: count(
        `SELECT COUNT(*) AS n FROM rebuttals WHERE published_at >= @from AND published_at < @to${ofCase('rebuttals')}`,
      ),
      escalations: count(
        `SELECT COUNT(*) AS n FROM escalations WHERE approved_at >= @from AND approved_at < @to${ofCase('escalations')}`,
      ),
      timeToVerdict: summarizeDurations(
        (
          this.#sql(
            `SELECT created_at, json_extract(verdict, '$.at') AS at FROM cases WHERE ${opened} AND verdict IS NOT NULL`,
          ).all(params) as { created_at: string; at: string }[]
        ).map((r) => Date.parse(r.at) - Date.parse(r.created_at)),
      ),
      top: (
        this.#sql(`SELECT * FROM cases WHERE ${opened} ORDER BY priority DESC, created_at LIMIT 5`).all(
          params,
        ) as CaseRow[]
      ).map(toCase),
    };
  }

  async workload(): Promise<Workload[]> {
    return (
      this.#sql(
        `SELECT assignee, COUNT(*) AS inReview, COALESCE(SUM(verdict_due_at < ?), 0) AS overdue FROM cases
           WHERE status = 'in_review' AND assignee IS NOT NULL GROUP BY assignee ORDER BY inReview DESC, assignee`,
      ).all(new Date().toISOString()) as Workload[]
    ).map((w) => ({ assignee: w.assignee, inReview: w.inReview, overdue: w.overdue }));
  }

  async caseIdOfRebuttal(rebuttalId: string): Promise<string | null> {
    const row = this.#sql('SELECT case_id FROM rebuttals WHERE id = ?').get(rebuttalId) as
      | { case_id: string }
      | undefined;
    return row?.case_id ?? null;
  }

  async caseIdOfEscalation(escalationId: string): Promise<string | null> {
    const row = this.#sql('SELECT case_id FROM escalations WHERE id = ?').get(escalationId) as
      | { case_id: string }
      | undefined;
    return row?.case_id ?? null;
  }

  async apply(caseId: string, command: CaseCommand, actor: Actor, expectedVersion?: number): Promise<CaseDetail> {
    return this.#write(() => {
      const row = this.#sql('SELECT * FROM cases WHERE id = ?').get(caseId) as CaseRow | undefined;
      if (!row) throw new NotFoundError(`case ${caseId} not found`);
      if (expectedVersion !== undefined && expectedVersion !== row.version) {
        throw new ConflictError(
          `case ${caseId} changed since version ${expectedVersion} (now ${row.version}); reload it`,
          row.version,
        );
      }
      if (!canTransition(command.action, row.status)) {
        throw new ConflictError(
          `action ${command.action} is not allowed on a case in status ${row.status}`,
          row.version,
        );
      }
      const at = new Date().toISOString();
      let to: CaseStatus = row.status;
      const set: Record<string, unknown> = {};
      let data: Record<string, unknown> = {};

      switch (command.action) {
        case 'assign':
          to = 'in_review';
          set.assignee = command.assignee;
          data = { assignee: command.assignee };
          break;
        case 'dismiss':
          to = 'dismissed';
          set.verdict = JSON.stringify({
            verdict: 'not_covid',
            note: command.note,
            sources: [],
            by: actor.username,
            at,
          });
          data = { note: command.note };
          break;
        case 'verdict':
          to = statusForVerdict(command.verdict);
          set.verdict = JSON.stringify({ ...command, action: undefined, by: actor.username, at });
          data = { verdict: command.verdict, note: command.note, sources: command.sources };
          break;
        case 'link_poster': {
          const posterId = posterIdOf(command.platform, command.handle);
          const id = command.identity ?? {};
          this.#sql(
            `INSERT INTO posters (id, platform, handle, profile_url, display_name, created_at, real_name, phone, address, id_number)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET profile_url = COALESCE(excluded.profile_url, profile_url),
                 display_name = COALESCE(excluded.display_name, display_name),
                 real_name = COALESCE(excluded.real_name, real_name), phone = COALESCE(excluded.phone, phone),
                 address = COALESCE(excluded.address, address), id_number = COALESCE(excluded.id_number, id_number)`,
          ).run(
            posterId,
            command.platform,
            command.handle,
            command.profileUrl,
            command.displayName,
            at,
            id.realName ?? null,
            id.phone ?? null,
            id.address ?? null,
            id.idNumber ?? null,
          );
          set.poster_id = posterId;
          // Identity itself stays out of the audit log: it records that identity was recorded, not what.
          data = { posterId, identityRecorded: Object.values(id).some((v) => v) };
          break;
        }
        case 'request_correction': {
          const id = `cr_${randomUUID()}`;
          this.#sql(
            `INSERT INTO corrections (id, case_id, recipient, channel, message, due_at, status, created_by, created_at)
               VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, ?)`,
          ).run(id, caseId, command.recipient, command.channel, command.message, command.dueAt, actor.username, at);
          to = 'correction_requested';
          data = { correctionId: id, recipient: command.recipient, channel: command.channel, dueAt: command.dueAt };
          break;
        }
        case 'request_escalation': {
          const open = this.#sql(
            `SELECT id FROM escalations WHERE case_id = ? AND status IN (${OPEN_ESCALATION.map(() => '?').join(', ')})`,
          ).get(caseId, ...OPEN_ESCALATION) as { id: string } | undefined;
          if (open) throw new ConflictError(`case ${caseId} already has an open escalation ${open.id}`, row.version);
          const id = `es_${randomUUID()}`;
          this.#sql(
            `INSERT INTO escalations (id, case_id, unit, summary, status, requested_by, requested_at)
               VALUES (?, ?, ?, ?, 'pending_approval', ?, ?)`,
          ).run(id, caseId, command.unit, command.summary, actor.username, at);
          data = { escalationId: id, unit: command.unit };
          break;
        }
        case 'approve_escalation': {
          const changed = this.#sql(
            `UPDATE escalations SET status = 'sent', approved_by = ?, approved_at = ?
               WHERE id = ? AND case_id = ? AND status = 'pending_approval'`,
          ).run(actor.username, at, command.escalationId, caseId).changes;
          if (changed === 0)
            throw new ConflictError(`escalation ${command.escalationId} is not waiting for approval`, row.version);
          to = 'escalated';
          data = { escalationId: command.escalationId };
          break;
        }
        case 'draft_rebuttal': {
          const id = `rb_${randomUUID()}`;
          this.#sql(
            `INSERT INTO rebuttals (id, case_id, title, body, sources, status, drafted_by, drafted_at)
               VALUES (?, ?, ?, ?, ?, 'draft', ?, ?)`,
          ).run(id, caseId, command.title, command.body, JSON.stringify(command.sources), actor.username, at);
          data = { rebuttalId: id, title: command.title };
          break;
        }
        case 'approve_rebuttal': {
          const changed = this.#sql(
            `UPDATE rebuttals SET status = 'approved', approved_by = ?, approved_at = ?
               WHERE id = ? AND case_id = ? AND status = 'draft'`,
          ).run(actor.username, at, command.rebuttalId, caseId).changes;
          if (changed === 0)
            throw new ConflictError(`rebuttal ${command.rebuttalId} is not a draft waiting for approval`, row.version);
          data = { rebuttalId: command.rebuttalId };
          break;
        }
        case 'publish_rebuttal': {
          const changed = this.#sql(
            `UPDATE rebuttals SET status = 'published', published_where = ?, published_url = ?, published_at = ?
               WHERE id = ? AND case_id = ? AND status = 'approved'`,
          ).run(command.where, command.url, command.publishedAt, command.rebuttalId, caseId).changes;
          if (changed === 0)
            throw new ConflictError(`rebuttal ${command.rebuttalId} is not approved for publication`, row.version);
          // An escalated case stays with the police; otherwise the case records the public answer.
          if (row.status !== 'escalated') to = 'rebuttal_published';
          data = { rebuttalId: command.rebuttalId, where: command.where, url: command.url };
          break;
        }
        case 'progress_escalation': {
          const changed = this.#sql(
            `UPDATE escalations SET status = 'in_progress' WHERE id = ? AND case_id = ? AND status = 'acknowledged'`,
          ).run(command.escalationId, caseId).changes;
          if (changed === 0)
            throw new ConflictError(`escalation ${command.escalationId} is not acknowledged`, row.version);
          data = { escalationId: command.escalationId };
          break;
        }
        case 'close_escalation': {
          const changed = this.#sql(
            `UPDATE escalations SET status = 'closed', outcome = ?, closed_at = ?
               WHERE id = ? AND case_id = ? AND status IN ('acknowledged', 'in_progress')`,
          ).run(JSON.stringify(command.outcome), at, command.escalationId, caseId).changes;
          if (changed === 0)
            throw new ConflictError(`escalation ${command.escalationId} is not open with the police`, row.version);
          to = 'closed';
          set.outcome = JSON.stringify(command.outcome);
          data = { escalationId: command.escalationId, outcome: command.outcome };
          break;
        }
        case 'acknowledge_escalation': {
          const changed = this.#sql(
            `UPDATE escalations SET status = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?
               WHERE id = ? AND case_id = ? AND status = 'sent'`,
          ).run(actor.username, at, command.escalationId, caseId).changes;
          if (changed === 0)
            throw new ConflictError(
              `escalation ${command.escalationId} is not waiting for acknowledgement`,
              row.version,
            );
          data = { escalationId: command.escalationId };
          break;
        }
      }

      const columns = Object.keys(set);
      const assignments = columns.map((c) => `${c} = @${c}`).join(', ');
      const updated = this.#sql(
        `UPDATE cases SET ${assignments ? `${assignments}, ` : ''}status = @status, version = version + 1,
             updated_at = @at WHERE id = @id AND version = @version`,
      ).run({ ...set, status: to, at, id: caseId, version: row.version }).changes;
      if (updated === 0) throw new ConflictError(`case ${caseId} changed concurrently; reload it`);
      this.#appendAudit(caseId, actor.username, command.action, row.status, to, data, at);
      return this.#detail(caseId)!;
    });
  }

  async note(caseId: string, actor: string, action: string, data: Record<string, unknown>): Promise<void> {
    this.#write(() => {
      const row = this.#sql('SELECT status FROM cases WHERE id = ?').get(caseId) as { status: CaseStatus } | undefined;
      if (!row) throw new NotFoundError(`case ${caseId} not found`);
      this.#appendAudit(caseId, actor, action, row.status, row.status, data, new Date().toISOString());
    });
  }

  async poster(posterId: string): Promise<{ poster: Poster; caseIds: string[] } | null> {
    const row = this.#sql('SELECT * FROM posters WHERE id = ?').get(posterId) as PosterRow | undefined;
    if (!row) return null;
    const caseIds = (
      this.#sql('SELECT id FROM cases WHERE poster_id = ? ORDER BY created_at').all(posterId) as { id: string }[]
    ).map((r) => r.id);
    return { poster: this.#toPoster(row), caseIds };
  }

  async mergePosters(fromId: string, intoId: string, actor: Actor): Promise<Poster> {
    if (fromId === intoId) throw new ConflictError('a poster cannot be merged into itself');
    return this.#write(() => {
      const from = this.#sql('SELECT * FROM posters WHERE id = ?').get(fromId) as PosterRow | undefined;
      const into = this.#sql('SELECT * FROM posters WHERE id = ?').get(intoId) as PosterRow | undefined;
      if (!from || !into) throw new NotFoundError(`poster ${!from ? fromId : intoId} not found`);
      if (from.merged_into) throw new ConflictError(`poster ${fromId} was already merged into ${from.merged_into}`);
      if (into.merged_into)
        throw new ConflictError(`poster ${intoId} was merged into ${into.merged_into}; merge into that one`);
      const at = new Date().toISOString();
      const cases = this.#sql('SELECT id, status FROM cases WHERE poster_id = ?').all(fromId) as {
        id: string;
        status: CaseStatus;
      }[];
      this.#sql(
        `UPDATE posters SET real_name = COALESCE(real_name, ?), phone = COALESCE(phone, ?), address = COALESCE(address, ?),
             id_number = COALESCE(id_number, ?) WHERE id = ?`,
      ).run(from.real_name, from.phone, from.address, from.id_number, intoId);
      this.#sql('UPDATE posters SET merged_into = ? WHERE id = ?').run(intoId, fromId);
      for (const c of cases) {
        this.#sql('UPDATE cases SET poster_id = ?, version = version + 1, updated_at = ? WHERE id = ?').run(
          intoId,
          at,
          c.id,
        );
        this.#appendAudit(
          c.id,
          actor.username,
          'poster_merged',
          c.status,
          c.status,
          { from: fromId, into: intoId },
          at,
        );
      }
      this.#appendAudit(
        null,
        actor.username,
        'poster_merged',
        null,
        null,
        { from: fromId, into: intoId, cases: cases.length },
        at,
      );
      return this.#toPoster(this.#sql('SELECT * FROM posters WHERE id = ?').get(intoId) as PosterRow);
    });
  }

  async auditEvent(caseId: string | null, actor: string, action: string, data: Record<string, unknown>): Promise<void> {
    this.#write(() => {
      const status = caseId
        ? ((this.#sql('SELECT status FROM cases WHERE id = ?').get(caseId) as { status: CaseStatus } | undefined)
            ?.status ?? null)
        : null;
      this.#appendAudit(caseId, actor, action, status, status, data, new Date().toISOString());
    });
  }

  #toPoster(r: PosterRow): Poster {
    const count = (this.#sql('SELECT COUNT(*) AS n FROM cases WHERE poster_id = ?').get(r.id) as { n: number }).n;
    return posterOf(r, count);
  }

  async settleCorrections(caseId: string, status: Correction['status'], actor: string): Promise<number> {
    return this.#write(() => {
      const changed = this.#sql(`UPDATE corrections SET status = ? WHERE case_id = ? AND status = 'requested'`).run(
        status,
        caseId,
      ).changes;
      if (changed > 0) {
        const row = this.#sql('SELECT status FROM cases WHERE id = ?').get(caseId) as { status: CaseStatus };
        this.#appendAudit(
          caseId,
          actor,
          'correction_settled',
          row.status,
          row.status,
          { status, corrections: changed },
          new Date().toISOString(),
        );
      }
      return changed;
    });
  }

  async eraseDismissedIdentities(days: number, actor: string): Promise<string[]> {
    const before = new Date(Date.now() - days * 86_400_000).toISOString();
    return this.#write(() => {
      const posters = (
        this.#sql(
          `SELECT p.id FROM posters p
             WHERE (p.real_name IS NOT NULL OR p.phone IS NOT NULL OR p.address IS NOT NULL OR p.id_number IS NOT NULL)
               AND EXISTS (SELECT 1 FROM cases c WHERE c.poster_id = p.id)
               AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.poster_id = p.id AND (c.status != 'dismissed' OR c.updated_at >= ?))`,
        ).all(before) as { id: string }[]
      ).map((r) => r.id);
      const at = new Date().toISOString();
      for (const id of posters) {
        this.#sql(
          'UPDATE posters SET real_name = NULL, phone = NULL, address = NULL, id_number = NULL WHERE id = ?',
        ).run(id);
        this.#appendAudit(null, actor, 'poster_identity_erased', null, null, { posterId: id, retentionDays: days }, at);
      }
      return posters;
    });
  }

  async claimDueCorrections(now: string): Promise<{ caseId: string; correctionId: string; postIds: string[] }[]> {
    return this.#write(() => {
      const due = this.#sql(
        `SELECT id, case_id FROM corrections WHERE status = 'requested' AND due_at <= ? AND due_checked_at IS NULL`,
      ).all(now) as { id: string; case_id: string }[];
      const out = [];
      for (const d of due) {
        this.#sql('UPDATE corrections SET due_checked_at = ? WHERE id = ?').run(now, d.id);
        const postIds = (
          this.#sql('SELECT post_id FROM case_posts WHERE case_id = ? ORDER BY attached_at').all(d.case_id) as {
            post_id: string;
          }[]
        ).map((r) => r.post_id);
        out.push({ caseId: d.case_id, correctionId: d.id, postIds });
      }
      return out;
    });
  }

  async auditSince(seq: number, limit: number): Promise<CaseEvent[]> {
    const rows = this.#sql('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as AuditRow[];
    return rows.map(toEvent);
  }

  async cursor(name: string): Promise<number> {
    return (
      (this.#sql('SELECT seq FROM audit_cursors WHERE name = ?').get(name) as { seq: number } | undefined)?.seq ?? 0
    );
  }

  async setCursor(name: string, seq: number): Promise<void> {
    this.#sql(
      'INSERT INTO audit_cursors (name, seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq',
    ).run(name, seq);
  }

  async audit(caseId: string): Promise<CaseEvent[]> {
    const rows = this.#sql('SELECT * FROM audit_log WHERE case_id = ? ORDER BY seq').all(caseId) as AuditRow[];
    return rows.map(toEvent);
  }

  async verifyAudit(): Promise<{ ok: boolean; entries: number; brokenAt: number | null; reason: string | null }> {
    const rows = this.#db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as Iterable<AuditRow>;
    return verifyChain(
      (function* () {
        for (const row of rows) yield toEvent(row);
      })(),
    );
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  #write<T>(fn: () => T): T {
    // The planner's statistics follow the data as it grows (PRAGMA optimize re-analyzes only
    // the tables that changed enough).
    if (++this.#writes % 5_000 === 0) this.#db.pragma('optimize');
    try {
      return this.#db.transaction(fn).immediate();
    } catch (err) {
      if (err instanceof ConflictError || err instanceof NotFoundError || err instanceof TypeError) throw err;
      throw new StorageError('case store write failed', err);
    }
  }

  #appendAudit(
    caseId: string | null,
    actor: string,
    action: string,
    from: CaseStatus | null,
    to: CaseStatus | null,
    data: Record<string, unknown>,
    at: string,
  ): void {
    const last = this.#sql('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
      | { seq: number; hash: string }
      | undefined;
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const event = { seq, caseId, at, actor, action, fromStatus: from, toStatus: to, data };
    const hash = auditHash(prevHash, event);
    this.#sql(
      `INSERT INTO audit_log (seq, case_id, at, actor, action, from_status, to_status, data, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(seq, caseId, at, actor, action, from, to, JSON.stringify(data), prevHash, hash);
  }

  /** The case and its records, read in one transaction: one consistent view, one snapshot to set up. */
  #detail(caseId: string): CaseDetail | null {
    this.#detailTx ??= this.#db.transaction((id: string) => this.#readDetail(id));
    return this.#detailTx(caseId);
  }
  #detailTx: ((caseId: string) => CaseDetail | null) | null = null;
  #writes = 0;

  #readDetail(caseId: string): CaseDetail | null {
    const row = this.#sql('SELECT * FROM cases WHERE id = ?').get(caseId) as CaseRow | undefined;
    if (!row) return null;
    const postIds = (
      this.#sql('SELECT post_id FROM case_posts WHERE case_id = ? ORDER BY attached_at, post_id').all(caseId) as {
        post_id: string;
      }[]
    ).map((r) => r.post_id);
    const posterRow = row.poster_id
      ? (this.#sql('SELECT * FROM posters WHERE id = ?').get(row.poster_id) as PosterRow | undefined)
      : undefined;
    const corrections = (
      this.#sql('SELECT * FROM corrections WHERE case_id = ? ORDER BY created_at').all(caseId) as CorrectionRow[]
    ).map(toCorrection);
    const escalations = (
      this.#sql('SELECT * FROM escalations WHERE case_id = ? ORDER BY requested_at').all(caseId) as EscalationRow[]
    ).map(toEscalation);
    const rebuttals = (
      this.#sql('SELECT * FROM rebuttals WHERE case_id = ? ORDER BY drafted_at').all(caseId) as RebuttalRow[]
    ).map(toRebuttal);
    return {
      case: toCase(row),
      postIds,
      poster: posterRow ? this.#toPoster(posterRow) : null,
      corrections,
      escalations,
      rebuttals,
    };
  }
}

interface AuditRow extends AuditRecord {
  data: string;
}
type PosterRow = PosterRecord;
interface CorrectionRow {
  id: string;
  case_id: string;
  recipient: string;
  channel: string;
  message: string;
  due_at: string;
  status: Correction['status'];
  created_by: string;
  created_at: string;
}
interface EscalationRow {
  id: string;
  case_id: string;
  unit: string;
  summary: string;
  status: Escalation['status'];
  requested_by: string;
  requested_at: string;
  approved_by: string | null;
  approved_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  outcome: string | null;
  closed_at: string | null;
}

function toCase(r: CaseRow): Case {
  return {
    id: r.id,
    status: r.status,
    version: r.version,
    claimKey: r.claim_key,
    claimType: r.claim_type,
    title: r.title,
    score: r.score,
    postCount: r.post_count,
    assignee: r.assignee,
    priority: r.priority,
    reach: r.reach,
    verdictDueAt: r.verdict_due_at,
    posterId: r.poster_id,
    verdict: r.verdict ? JSON.parse(r.verdict) : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
function toEvent(r: AuditRow): CaseEvent {
  return eventOf(r, JSON.parse(r.data));
}
function toCorrection(r: CorrectionRow): Correction {
  return {
    id: r.id,
    caseId: r.case_id,
    recipient: r.recipient,
    channel: r.channel,
    message: r.message,
    dueAt: r.due_at,
    status: r.status,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}
function toEscalation(r: EscalationRow): Escalation {
  return {
    id: r.id,
    caseId: r.case_id,
    unit: r.unit,
    summary: r.summary,
    status: r.status,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: r.acknowledged_at,
    outcome: r.outcome ? JSON.parse(r.outcome) : null,
    closedAt: r.closed_at,
  };
}

interface RebuttalRow {
  id: string;
  case_id: string;
  title: string;
  body: string;
  sources: string;
  status: Rebuttal['status'];
  drafted_by: string;
  drafted_at: string;
  approved_by: string | null;
  approved_at: string | null;
  published_where: string | null;
  published_url: string | null;
  published_at: string | null;
}
function toRebuttal(r: RebuttalRow): Rebuttal {
  return {
    id: r.id,
    caseId: r.case_id,
    title: r.title,
    body: r.body,
    sources: JSON.parse(r.sources) as string[],
    status: r.status,
    draftedBy: r.drafted_by,
    draftedAt: r.drafted_at,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    publishedWhere: r.published_where,
    publishedUrl: r.published_url,
    publishedAt: r.published_at,
  };
}
