/**
 * The CaseStore on Elasticsearch, for several pipeline workers and API processes on different
 * machines. One document per case holds the case with its corrections, escalations and
 * rebuttals; every change is a conditional write (if_seq_no/if_primary_term), so of two
 * concurrent changes one wins and the other gets ConflictError. The audit log is a chain of
 * documents whose id is the sequence number, created with op_type=create: two appenders can
 * never take the same number, and creation order is sequence order.
 *
 * A change and its audit entry are two writes. The entry is first kept on the case document
 * ("pending") in the same conditional write as the change, then appended to the log and
 * removed from the case; a process that died in between leaves it pending, and the next
 * sweep (at start and while the audit log is tailed) appends it, skipping entries already in
 * the log by their event id.
 */
import { randomUUID } from 'node:crypto';
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import { foldText } from '@kc/classifier';
import { auditHash, GENESIS_HASH, verifyChain } from '../audit-chain.js';
import {
  applyCaseCommand,
  attachedData,
  attachPost,
  type CaseState,
  caseIdOf,
  groupByClaim,
  inPostOrder,
  openCase,
  PIPELINE_ACTOR,
  type PosterWrite,
} from '../case-commands.js';
import {
  type Awaiting,
  awaitingOf,
  type Case,
  type CaseEvent,
  type CaseStatus,
  type Correction,
  type Poster,
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
import { aliasOf, dropIndices, ensureIndices, type IndexSpec } from './indices.js';

export interface EsCaseStoreOptions {
  readonly node: string;
  /** Prefix of index names (several deployments or test runs share a cluster). */
  readonly prefix?: string;
  readonly verdictDeadlineHours?: number;
  /** Age after which a pending audit entry is taken to be abandoned by a dead process. */
  readonly pendingGraceMs?: number;
}

interface PendingEvent {
  readonly eventId: string;
  readonly caseId: string | null;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly fromStatus: CaseStatus | null;
  readonly toStatus: CaseStatus | null;
  readonly data: Record<string, unknown>;
  /** When it was written (ms since epoch), to tell an abandoned entry from one in flight. */
  readonly writtenAt: number;
}

interface CaseDoc {
  id: string;
  status: CaseStatus;
  version: number;
  claim_key: string;
  claim_type: string | null;
  assignee: string | null;
  poster_id: string | null;
  priority: number;
  created_at: string;
  updated_at: string;
  verdict_due_at: string | null;
  reach: number;
  verdict_at: string | null;
  awaiting: Awaiting[];
  escalated: boolean;
  post_ids: string[];
  /** Platforms and regions of the case's posts (search filters, district reports). */
  platforms: string[];
  regions: string[];
  folded: string[];
  correction_ids: string[];
  escalation_ids: string[];
  rebuttal_ids: string[];
  /** Earliest due date of a requested correction not yet re-checked. */
  correction_due: string | null;
  due_checked: string[];
  pending: PendingEvent[];
  pending_since: string | null;
  state: CaseState;
}

interface PosterDoc extends PosterRecord {
  has_identity: boolean;
}

interface AuditDoc extends AuditRecord {
  event_id: string;
  data: Record<string, unknown>;
}

const keyword = { type: 'keyword' } as const;
const date = { type: 'date' } as const;
const stored = { type: 'object', enabled: false } as const;

/** The indices of the case store, versioned (see indices.ts and `kc migrate`). */
export const CASE_STORE_INDICES: readonly IndexSpec[] = [
  {
    name: 'cases',
    // 2: reach (sort), verdict_at (time to verdict in Kibana), awaiting (approval queues).
    version: 2,
    upgrade: (doc) => {
      const state = doc.state as CaseState;
      return { ...doc, ...derivedFields(state) };
    },
    mappings: {
      dynamic: 'strict',
      properties: {
        id: keyword,
        status: keyword,
        version: { type: 'integer' },
        claim_key: keyword,
        claim_type: keyword,
        assignee: keyword,
        poster_id: keyword,
        priority: { type: 'float' },
        reach: { type: 'long' },
        verdict_at: date,
        awaiting: keyword,
        created_at: date,
        updated_at: date,
        verdict_due_at: date,
        escalated: { type: 'boolean' },
        post_ids: keyword,
        platforms: keyword,
        regions: keyword,
        folded: { type: 'text', analyzer: 'whitespace' },
        correction_ids: keyword,
        escalation_ids: keyword,
        rebuttal_ids: keyword,
        correction_due: date,
        due_checked: keyword,
        pending: stored,
        pending_since: date,
        state: stored,
      },
    },
  },
  {
    name: 'claims',
    version: 1,
    mappings: { dynamic: 'strict', properties: { case_id: keyword } },
  },
  {
    name: 'posters',
    version: 1,
    mappings: {
      dynamic: 'strict',
      properties: {
        id: keyword,
        platform: keyword,
        handle: keyword,
        profile_url: { type: 'keyword', index: false },
        display_name: { type: 'keyword', index: false },
        created_at: date,
        // Restricted identity: stored, never indexed (nobody can search by it).
        real_name: { type: 'keyword', index: false },
        phone: { type: 'keyword', index: false },
        address: { type: 'keyword', index: false },
        id_number: { type: 'keyword', index: false },
        has_identity: { type: 'boolean' },
        merged_into: keyword,
      },
    },
  },
  {
    name: 'audit',
    version: 1,
    mappings: {
      dynamic: 'strict',
      properties: {
        seq: { type: 'long' },
        event_id: keyword,
        case_id: keyword,
        at: date,
        actor: keyword,
        action: keyword,
        from_status: keyword,
        to_status: keyword,
        data: stored,
        prev_hash: { type: 'keyword', index: false },
        hash: { type: 'keyword', index: false },
      },
    },
  },
  {
    name: 'audit-cursors',
    version: 1,
    mappings: { dynamic: 'strict', properties: { seq: { type: 'long' } } },
  },
  {
    // One document: the end of the audit chain and the entries of the last block reserved.
    name: 'audit-head',
    version: 1,
    mappings: {
      dynamic: 'strict',
      properties: { seq: { type: 'long' }, hash: { type: 'keyword', index: false }, block: stored },
    },
  },
];

/** The id of the chain's head document. */
const HEAD_ID = 'head';
/** Most audit entries one block (one head write, one bulk) takes. */
const BLOCK_EVENTS = 1_000;

/** The end of the audit chain, and the block of entries whose reservation made it the end. */
interface ChainHead {
  seq: number;
  hash: string;
  block: AuditDoc[];
}

const SORTS: Record<NonNullable<CaseListQuery['sort']>, estypes.Sort> = {
  updated: [{ updated_at: 'desc' }, { id: 'asc' }],
  priority: [{ priority: 'desc' }, { updated_at: 'desc' }, { id: 'asc' }],
  created: [{ created_at: 'desc' }, { id: 'asc' }],
  reach: [{ reach: 'desc' }, { priority: 'desc' }, { id: 'asc' }],
};

/** Fields computed from a case's state, for sorting, queues and Kibana (also by the v1 → v2 upgrade). */
function derivedFields(state: CaseState): Pick<CaseDoc, 'reach' | 'verdict_at' | 'awaiting'> {
  return { reach: state.case.reach, verdict_at: state.case.verdict?.at ?? null, awaiting: awaitingOf(state) };
}
const FOLDED_POSTS = 50;
const RETRIES = 20;

const isConflict = (err: unknown) => err instanceof errors.ResponseError && err.statusCode === 409;

interface Loaded {
  readonly doc: CaseDoc;
  readonly seqNo: number;
  readonly primaryTerm: number;
}

export class EsCaseStore implements CaseStore {
  readonly #es: Client;
  readonly #prefix: string;
  readonly #verdictDeadlineMs: number;
  readonly #graceMs: number;
  readonly #i: Record<'cases' | 'claims' | 'posters' | 'audit' | 'cursors' | 'head', string>;
  /** The chain's head as this process last wrote or read it; a failed conditional write means someone appended since. */
  #head: { head: ChainHead; seqNo: number; primaryTerm: number } | null = null;
  /** Audit entries waiting for the next block, with whoever waits for them. */
  readonly #queue: { events: readonly PendingEvent[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  /** The block being appended, if any (one at a time per process: they would only race). */
  #flushing: Promise<void> | null = null;
  #dirty = new Set<string>();
  #lastSweep = 0;
  /** Audit entries this process appended (so its next write of the case drops them). */
  readonly #appended = new Set<string>();
  /** The last copy this process read or wrote of recently used cases, for the pipeline. */
  readonly #caseCache = new Map<string, Loaded>();
  /** Claim key → the case collecting it, as last seen. */
  readonly #claimCache = new Map<string, string>();

  static async create(options: EsCaseStoreOptions): Promise<EsCaseStore> {
    if (!options.node) throw new TypeError('EsCaseStore needs an Elasticsearch node (ELASTICSEARCH_URL)');
    const hours = options.verdictDeadlineHours ?? 24;
    if (!(hours > 0)) throw new RangeError(`verdictDeadlineHours must be positive, got ${hours}`);
    const store = new EsCaseStore(options, hours);
    await ensureIndices(store.#es, store.#prefix, CASE_STORE_INDICES);
    await store.#sweep(true);
    return store;
  }

  private constructor(options: EsCaseStoreOptions, hours: number) {
    this.#es = new Client({ node: options.node, requestTimeout: 30_000, maxRetries: 3 });
    this.#prefix = options.prefix ?? '';
    this.#verdictDeadlineMs = hours * 3_600_000;
    this.#graceMs = options.pendingGraceMs ?? 30_000;
    const [cases, claims, posters, audit, cursors, head] = CASE_STORE_INDICES.map((s) => aliasOf(this.#prefix, s));
    this.#i = { cases: cases!, claims: claims!, posters: posters!, audit: audit!, cursors: cursors!, head: head! };
  }

  // ------------------------------------------------------------------ pipeline

  async recordFlaggedPost(post: FlaggedPost): Promise<RecordResult> {
    return (await this.recordFlaggedPosts([post]))[0]!;
  }

  async recordFlaggedPosts(posts: readonly FlaggedPost[]): Promise<RecordResult[]> {
    const claims = [...groupByClaim(posts)].map(([claimKey, group]) => ({ claimKey, posts: group }));
    const byPost = new Map<string, RecordResult>();
    const unseen = claims.filter((c) => !this.#claimCache.has(c.claimKey));
    const seen = claims.filter((c) => this.#claimCache.has(c.claimKey));
    // Claims new to this process are most often new claims: reserved and opened together, in two
    // bulks, without reading anything first (a claim just reserved has no case yet).
    const rest = unseen.length > 0 ? await this.#guard(() => this.#openClaims(unseen, byPost)) : [];
    // The others, one conditional write each, side by side (they are separate cases).
    await Promise.all(
      [...seen, ...rest].map(async (c) => {
        for (const [postId, result] of await this.#recordClaim(c.claimKey, c.posts)) byPost.set(postId, result);
      }),
    );
    return inPostOrder(posts, byPost);
  }

  /**
   * Opens the claim's case or attaches the posts to the open one, in one conditional write and
   * one audit entry for the posts attached (plus "case_opened" when the first post opens it).
   */
  async #recordClaim(claimKey: string, posts: readonly FlaggedPost[]): Promise<Map<string, RecordResult>> {
    // The case this claim opens if it has none (or only a closed one): named by its first post.
    const ownCaseId = caseIdOf(claimKey, posts[0]!.postId);
    return this.#guard(async () => {
      for (let attempt = 0; attempt < RETRIES; attempt++) {
        // The claim document names the case that collects the claim's posts: a realtime GET,
        // so two workers with the first two posts of a new claim agree on one case.
        const cachedId = this.#claimCache.get(claimKey);
        const claim = cachedId
          ? null
          : await this.#es.get<{ case_id: string }>({ index: this.#i.claims, id: claimKey }, { ignore: [404] });
        if (claim && (!claim.found || !claim._source)) {
          if (!(await this.#createDoc(this.#i.claims, claimKey, { case_id: ownCaseId }))) continue;
        }
        const caseId = cachedId ?? claim?._source?.case_id ?? ownCaseId;
        const loaded = await this.#load(caseId, true);
        if (cachedId && (!loaded || loaded.doc.status === 'closed')) {
          // The cache may be behind: ask the claim document again.
          this.#claimCache.delete(claimKey);
          continue;
        }
        if (!loaded) {
          // Reserved by the claim document but not written yet (or its writer died): whoever
          // creates it first opens the case; the others attach to it.
          const { doc, events } = this.#newCase(caseId, claimKey, posts);
          if (!(await this.#createDoc(this.#i.cases, caseId, doc))) continue;
          this.#rememberClaim(claimKey, caseId);
          await this.#settle(events);
          return openedResults(caseId, posts);
        }
        const { doc } = loaded;
        const fresh = posts.filter((p) => !doc.post_ids.includes(p.postId));
        if (fresh.length === 0) {
          return new Map(posts.map((p) => [p.postId, { caseId, created: false, attached: false }] as const));
        }
        if (doc.status === 'closed') {
          // A closed case takes no more posts: the claim starts a new case.
          await this.#es
            .index({
              index: this.#i.claims,
              id: claimKey,
              document: { case_id: ownCaseId },
              if_seq_no: claim!._seq_no!,
              if_primary_term: claim!._primary_term!,
            })
            .catch((err) => {
              if (!isConflict(err)) throw err;
            });
          continue;
        }
        const event = this.#attachedEvent(caseId, doc.status, fresh);
        const state: CaseState = { ...doc.state, case: fresh.reduce(attachPost, doc.state.case) };
        const updated = this.#toDoc(state, doc, {
          post_ids: [...doc.post_ids, ...fresh.map((p) => p.postId)],
          platforms: fresh.reduce((all, p) => addTo(all, p.platform), doc.platforms),
          regions: fresh.reduce((all, p) => addTo(all, p.region), doc.regions),
          folded: [...doc.folded, ...fresh.map(foldedOf)].slice(-FOLDED_POSTS),
          pending: this.#pendingWith(doc, event),
        });
        if (!(await this.#save(updated, loaded))) continue;
        this.#rememberClaim(claimKey, caseId);
        await this.#settle([event]);
        const attached = new Set(fresh.map((p) => p.postId));
        return new Map(
          posts.map((p) => [p.postId, { caseId, created: false, attached: attached.has(p.postId) }] as const),
        );
      }
      throw new StorageError(`case of claim ${claimKey}: too many concurrent changes, retry`);
    });
  }

  /** A new case for a claim's posts (the first opens it, the others are attached), with its entries. */
  #newCase(caseId: string, claimKey: string, posts: readonly FlaggedPost[]): { doc: CaseDoc; events: PendingEvent[] } {
    const [first, ...rest] = posts as [FlaggedPost, ...FlaggedPost[]];
    const opened = { ...openCase(first, new Date(), this.#verdictDeadlineMs), id: caseId };
    const events = [
      this.#event(caseId, PIPELINE_ACTOR, 'case_opened', null, 'new', { postId: first.postId, claimKey }, first.at),
    ];
    if (rest.length > 0) events.push(this.#attachedEvent(caseId, 'new', rest));
    const state: CaseState = { case: rest.reduce(attachPost, opened), corrections: [], escalations: [], rebuttals: [] };
    const doc = this.#toDoc(state, null, {
      post_ids: posts.map((p) => p.postId),
      platforms: posts.reduce<string[]>((all, p) => addTo(all, p.platform), []),
      regions: posts.reduce<string[]>((all, p) => addTo(all, p.region), []),
      folded: posts.map(foldedOf).slice(-FOLDED_POSTS),
      pending: events,
    });
    return { doc, events };
  }

  /**
   * Opens the cases of claims this process has not seen, two bulks for all of them: claim
   * documents created (reserving each claim), then the cases of the claims reserved. Returns
   * the claims it could not open this way (already reserved by someone, or their case written
   * meanwhile), for the one-claim path.
   */
  async #openClaims(
    claims: readonly { claimKey: string; posts: readonly FlaggedPost[] }[],
    byPost: Map<string, RecordResult>,
  ): Promise<{ claimKey: string; posts: readonly FlaggedPost[] }[]> {
    const leftover: { claimKey: string; posts: readonly FlaggedPost[] }[] = [];
    const created = await this.#es.bulk({
      operations: claims.flatMap((c) => [
        { create: { _index: this.#i.claims, _id: c.claimKey } },
        { case_id: caseIdOf(c.claimKey, c.posts[0]!.postId) },
      ]),
    });
    this.#dirty.add(this.#i.claims);
    const reserved = claims.filter((c, i) => {
      const item = created.items[i]!.create!;
      if (!item.error) return true;
      if (item.status !== 409) throw new StorageError(`could not reserve claim ${c.claimKey}: ${item.error.reason}`);
      leftover.push(c);
      return false;
    });
    if (reserved.length === 0) return leftover;
    const built = reserved.map((c) => {
      const caseId = caseIdOf(c.claimKey, c.posts[0]!.postId);
      return { ...c, caseId, ...this.#newCase(caseId, c.claimKey, c.posts) };
    });
    const opened = await this.#es.bulk({
      operations: built.flatMap((b) => [{ create: { _index: this.#i.cases, _id: b.caseId } }, b.doc]),
    });
    this.#dirty.add(this.#i.cases);
    const events: PendingEvent[] = [];
    built.forEach((b, i) => {
      const item = opened.items[i]!.create!;
      if (item.error) {
        if (item.status !== 409) throw new StorageError(`could not open case ${b.caseId}: ${item.error.reason}`);
        leftover.push(b);
        return;
      }
      this.#rememberClaim(b.claimKey, b.caseId);
      this.#remember({ doc: b.doc, seqNo: item._seq_no!, primaryTerm: item._primary_term! });
      events.push(...b.events);
      for (const [postId, result] of openedResults(b.caseId, b.posts)) byPost.set(postId, result);
    });
    await this.#settle(events);
    return leftover;
  }

  /** The audit entry of posts attached to a case in one write. */
  #attachedEvent(caseId: string, status: CaseStatus, posts: readonly FlaggedPost[]): PendingEvent {
    return this.#event(caseId, PIPELINE_ACTOR, 'post_attached', status, status, attachedData(posts), posts.at(-1)!.at);
  }

  // ------------------------------------------------------------------ reads

  async list(query: CaseListQuery): Promise<{ items: Case[]; total: number }> {
    await this.#fresh(this.#i.cases);
    const filter: estypes.QueryDslQueryContainer[] = [];
    const must: estypes.QueryDslQueryContainer[] = [];
    if (query.status && query.status.length > 0) filter.push({ terms: { status: [...query.status] } });
    if (query.assignee) filter.push({ term: { assignee: query.assignee } });
    if (query.overdue) {
      filter.push({ terms: { status: ['new', 'in_review'] } }, { range: { verdict_due_at: { lt: 'now' } } });
    }
    if (query.escalatedOnly) filter.push({ term: { escalated: true } });
    if (query.awaiting && query.awaiting.length > 0) filter.push({ terms: { awaiting: [...query.awaiting] } });
    if (query.claimType && query.claimType.length > 0) filter.push({ terms: { claim_type: [...query.claimType] } });
    if (query.platform) filter.push({ term: { platforms: query.platform } });
    if (query.region) filter.push({ prefix: { regions: query.region } });
    if (query.from || query.to) {
      filter.push({
        range: { created_at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } },
      });
    }
    if (query.q !== undefined && query.q.trim() !== '') {
      const folded = foldText(query.q).split(/\s+/).filter(Boolean).slice(0, 32);
      if (folded.length === 0) return { items: [], total: 0 };
      // The text goes in as a value, never as query syntax: no query-string injection.
      must.push({ match: { folded: { query: folded.join(' '), operator: 'and' } } });
    }
    const res = await this.#es.search<CaseDoc>({
      index: this.#i.cases,
      from: query.offset,
      size: query.limit,
      track_total_hits: true,
      query: { bool: { filter, must } },
      sort: SORTS[query.sort ?? 'updated'],
      _source: ['state.case'],
    });
    return { items: res.hits.hits.map((h) => h._source!.state.case), total: totalOf(res) };
  }

  async get(caseId: string): Promise<CaseDetail | null> {
    const loaded = await this.#load(caseId);
    return loaded ? this.#detail(loaded.doc) : null;
  }

  async workload(): Promise<Workload[]> {
    await this.#fresh(this.#i.cases);
    const res = await this.#es.search({
      index: this.#i.cases,
      size: 0,
      query: { bool: { filter: [{ term: { status: 'in_review' } }, { exists: { field: 'assignee' } }] } },
      aggs: {
        assignees: {
          terms: { field: 'assignee', size: 1000, order: [{ _count: 'desc' }, { _key: 'asc' }] },
          aggs: { overdue: { filter: { range: { verdict_due_at: { lt: 'now' } } } } },
        },
      },
    });
    type Bucket = { key: string; doc_count: number; overdue: { doc_count: number } };
    const buckets = (res.aggregations?.assignees as { buckets: Bucket[] } | undefined)?.buckets ?? [];
    return buckets.map((b) => ({ assignee: b.key, inReview: b.doc_count, overdue: b.overdue.doc_count }));
  }

  async caseIdOfCorrection(correctionId: string): Promise<string | null> {
    return this.#caseIdBy('correction_ids', correctionId);
  }

  async caseIdOfRebuttal(rebuttalId: string): Promise<string | null> {
    return this.#caseIdBy('rebuttal_ids', rebuttalId);
  }

  async caseIdOfEscalation(escalationId: string): Promise<string | null> {
    return this.#caseIdBy('escalation_ids', escalationId);
  }

  async report(from: string, to: string, region?: string): Promise<CaseReport> {
    await this.#fresh(this.#i.cases);
    const inRegion: estypes.QueryDslQueryContainer[] = region ? [{ prefix: { regions: region } }] : [];
    const created = { range: { created_at: { gte: from, lt: to } } };
    const res = await this.#es.search<CaseDoc>({
      index: this.#i.cases,
      size: 5,
      query: { bool: { filter: [created, ...inRegion] } },
      sort: [{ priority: 'desc' }, { created_at: 'asc' }],
      _source: ['state.case'],
      aggs: {
        kinds: { terms: { field: 'claim_type', size: 50, missing: 'unknown' } },
        statuses: { terms: { field: 'status', size: 50 } },
      },
    });
    const buckets = (name: string) =>
      Object.fromEntries(
        (
          (res.aggregations?.[name] as estypes.AggregationsStringTermsAggregate | undefined)?.buckets as
            | estypes.AggregationsStringTermsBucket[]
            | undefined
        )?.map((b) => [String(b.key), b.doc_count]) ?? [],
      );
    // Corrections, publications and approvals inside the range, wherever their case was opened.
    let corrections = 0;
    let rebuttalsPublished = 0;
    let escalations = 0;
    const inRange = (t: string | null) => t !== null && t >= from && t < to;
    const verdictMs: number[] = [];
    // Every case opened in the range was updated since `from`, so this scan sees them all.
    for await (const doc of this.#scan({ bool: { filter: [{ range: { updated_at: { gte: from } } }, ...inRegion] } })) {
      const c = doc.state.case;
      if (c.verdict && inRange(c.createdAt)) verdictMs.push(Date.parse(c.verdict.at) - Date.parse(c.createdAt));
      corrections += doc.state.corrections.filter((c) => inRange(c.createdAt)).length;
      rebuttalsPublished += doc.state.rebuttals.filter((r) => inRange(r.publishedAt)).length;
      escalations += doc.state.escalations.filter((e) => inRange(e.approvedAt)).length;
    }
    return {
      casesByKind: buckets('kinds'),
      casesByStatus: buckets('statuses'),
      corrections,
      rebuttalsPublished,
      escalations,
      timeToVerdict: summarizeDurations(verdictMs),
      top: res.hits.hits.map((h) => h._source!.state.case),
    };
  }

  // ------------------------------------------------------------------ changes

  async apply(caseId: string, command: CaseCommand, actor: Actor, expectedVersion?: number): Promise<CaseDetail> {
    return this.#guard(async () => {
      for (let attempt = 0; attempt < RETRIES; attempt++) {
        const loaded = await this.#load(caseId);
        if (!loaded) throw new NotFoundError(`case ${caseId} not found`);
        const { doc } = loaded;
        if (expectedVersion !== undefined && expectedVersion !== doc.version) {
          throw new ConflictError(
            `case ${caseId} changed since version ${expectedVersion} (now ${doc.version}); reload it`,
            doc.version,
          );
        }
        const at = new Date().toISOString();
        const t = applyCaseCommand(doc.state, command, actor, at);
        if (t.poster) await this.#writePoster(t.poster, at);
        const event = this.#event(caseId, actor.username, command.action, t.from, t.to, t.data, at);
        const updated = this.#toDoc(t.state, doc, { pending: this.#pendingWith(doc, event) });
        // A lost race re-reads: with an expected version it then reports the conflict above.
        if (!(await this.#save(updated, loaded))) continue;
        await this.#settle([event]);
        return this.#detail(updated);
      }
      throw new ConflictError(`case ${caseId} changed concurrently; reload it`);
    });
  }

  async note(caseId: string, actor: string, action: string, data: Record<string, unknown>): Promise<void> {
    const loaded = await this.#load(caseId);
    if (!loaded) throw new NotFoundError(`case ${caseId} not found`);
    const status = loaded.doc.status;
    await this.#append([this.#event(caseId, actor, action, status, status, data)]);
  }

  async auditEvent(caseId: string | null, actor: string, action: string, data: Record<string, unknown>): Promise<void> {
    const status = caseId ? ((await this.#load(caseId))?.doc.status ?? null) : null;
    await this.#append([this.#event(caseId, actor, action, status, status, data)]);
  }

  async settleCorrections(caseId: string, status: Correction['status'], actor: string): Promise<number> {
    return this.#guard(async () => {
      for (let attempt = 0; attempt < RETRIES; attempt++) {
        const loaded = await this.#load(caseId);
        if (!loaded) throw new NotFoundError(`case ${caseId} not found`);
        const { doc } = loaded;
        const open = doc.state.corrections.filter((c) => c.status === 'requested');
        if (open.length === 0) return 0;
        const event = this.#event(caseId, actor, 'correction_settled', doc.status, doc.status, {
          status,
          corrections: open.length,
        });
        const state: CaseState = {
          ...doc.state,
          corrections: doc.state.corrections.map((c) => (c.status === 'requested' ? { ...c, status } : c)),
        };
        const updated = this.#toDoc(state, doc, { pending: this.#pendingWith(doc, event) });
        if (!(await this.#save(updated, loaded))) continue;
        await this.#settle([event]);
        return open.length;
      }
      throw new StorageError(`case ${caseId}: too many concurrent changes, retry`);
    });
  }

  async claimDueCorrections(now: string): Promise<{ caseId: string; correctionId: string; postIds: string[] }[]> {
    await this.#fresh(this.#i.cases);
    const out: { caseId: string; correctionId: string; postIds: string[] }[] = [];
    for await (const hit of this.#scan({ range: { correction_due: { lte: now } } })) {
      for (let attempt = 0; attempt < RETRIES; attempt++) {
        const loaded = await this.#load(hit.id);
        if (!loaded) break;
        const { doc } = loaded;
        const due = doc.state.corrections.filter(
          (c) => c.status === 'requested' && c.dueAt <= now && !doc.due_checked.includes(c.id),
        );
        if (due.length === 0) break;
        const updated = this.#toDoc(doc.state, doc, { due_checked: [...doc.due_checked, ...due.map((c) => c.id)] });
        // Whoever marks a correction checked hands it out: two maintenance loops never both do.
        if (!(await this.#save(updated, loaded))) continue;
        for (const c of due) out.push({ caseId: doc.id, correctionId: c.id, postIds: [...doc.post_ids] });
        break;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ posters

  async poster(posterId: string): Promise<{ poster: Poster; caseIds: string[] } | null> {
    const got = await this.#es.get<PosterDoc>({ index: this.#i.posters, id: posterId }, { ignore: [404] });
    if (!got.found || !got._source) return null;
    const caseIds: string[] = [];
    await this.#fresh(this.#i.cases);
    for await (const doc of this.#scan({ term: { poster_id: posterId } }, [{ created_at: 'asc' }]))
      caseIds.push(doc.id);
    return { poster: posterOf(got._source, caseIds.length), caseIds };
  }

  async mergePosters(fromId: string, intoId: string, actor: Actor): Promise<Poster> {
    if (fromId === intoId) throw new ConflictError('a poster cannot be merged into itself');
    return this.#guard(async () => {
      const [from, into] = await Promise.all(
        [fromId, intoId].map((id) => this.#es.get<PosterDoc>({ index: this.#i.posters, id }, { ignore: [404] })),
      );
      if (!from?._source || !into?._source)
        throw new NotFoundError(`poster ${!from?._source ? fromId : intoId} not found`);
      const f = from._source;
      const t = into._source;
      if (f.merged_into) throw new ConflictError(`poster ${fromId} was already merged into ${f.merged_into}`);
      if (t.merged_into)
        throw new ConflictError(`poster ${intoId} was merged into ${t.merged_into}; merge into that one`);
      const at = new Date().toISOString();
      // Mark the merge first (conditionally): of two concurrent merges of one record, one wins.
      try {
        await this.#es.index({
          index: this.#i.posters,
          id: fromId,
          document: { ...f, merged_into: intoId },
          if_seq_no: from._seq_no!,
          if_primary_term: from._primary_term!,
          refresh: 'wait_for',
        });
      } catch (err) {
        if (isConflict(err)) throw new ConflictError(`poster ${fromId} changed concurrently; reload it`);
        throw err;
      }
      const identity = {
        real_name: t.real_name ?? f.real_name,
        phone: t.phone ?? f.phone,
        address: t.address ?? f.address,
        id_number: t.id_number ?? f.id_number,
      };
      await this.#es.update({
        index: this.#i.posters,
        id: intoId,
        doc: { ...identity, has_identity: Object.values(identity).some((v) => v !== null) },
        retry_on_conflict: 5,
      });
      await this.#fresh(this.#i.cases, true);
      let moved = 0;
      for await (const hit of this.#scan({ term: { poster_id: fromId } })) {
        for (let attempt = 0; attempt < RETRIES; attempt++) {
          const loaded = await this.#load(hit.id);
          if (!loaded || loaded.doc.poster_id !== fromId) break;
          const { doc } = loaded;
          const event = this.#event(
            doc.id,
            actor.username,
            'poster_merged',
            doc.status,
            doc.status,
            {
              from: fromId,
              into: intoId,
            },
            at,
          );
          const state: CaseState = {
            ...doc.state,
            case: { ...doc.state.case, posterId: intoId, version: doc.version + 1, updatedAt: at },
          };
          const updated = this.#toDoc(state, doc, { pending: this.#pendingWith(doc, event) });
          if (!(await this.#save(updated, loaded))) continue;
          await this.#settle([event]);
          moved++;
          break;
        }
      }
      await this.#append([
        this.#event(
          null,
          actor.username,
          'poster_merged',
          null,
          null,
          { from: fromId, into: intoId, cases: moved },
          at,
        ),
      ]);
      return (await this.poster(intoId))!.poster;
    });
  }

  async eraseDismissedIdentities(days: number, actor: string): Promise<string[]> {
    const before = new Date(Date.now() - days * 86_400_000).toISOString();
    await this.#fresh(this.#i.cases, true);
    await this.#fresh(this.#i.posters, true);
    const erased: string[] = [];
    const posters = await this.#es.search<PosterDoc>({
      index: this.#i.posters,
      size: 10_000,
      query: { term: { has_identity: true } },
      _source: ['id'],
    });
    for (const hit of posters.hits.hits) {
      const id = hit._source!.id;
      const cases = await this.#es.search<CaseDoc>({
        index: this.#i.cases,
        size: 0,
        query: { term: { poster_id: id } },
        aggs: {
          kept: {
            filter: {
              bool: {
                should: [
                  { bool: { must_not: { term: { status: 'dismissed' } } } },
                  { range: { updated_at: { gte: before } } },
                ],
              },
            },
          },
        },
      });
      const total = totalOf(cases);
      const kept = (cases.aggregations?.kept as estypes.AggregationsFilterAggregate | undefined)?.doc_count ?? 0;
      if (total === 0 || kept > 0) continue;
      // Logged first: a crash after the log and before the erasure repeats both next time.
      await this.#append([
        this.#event(null, actor, 'poster_identity_erased', null, null, { posterId: id, retentionDays: days }),
      ]);
      await this.#es.update({
        index: this.#i.posters,
        id,
        doc: { real_name: null, phone: null, address: null, id_number: null, has_identity: false },
        retry_on_conflict: 5,
        refresh: 'wait_for',
      });
      erased.push(id);
    }
    return erased;
  }

  // ------------------------------------------------------------------ audit log

  async auditSince(seq: number, limit: number): Promise<CaseEvent[]> {
    await this.#sweep(false);
    await this.#fresh(this.#i.audit);
    const res = await this.#es.search<AuditDoc>({
      index: this.#i.audit,
      size: limit,
      query: { range: { seq: { gt: seq } } },
      sort: [{ seq: 'asc' }],
    });
    return res.hits.hits.map((h) => toEvent(h._source!));
  }

  async cursor(name: string): Promise<number> {
    const got = await this.#es.get<{ seq: number }>({ index: this.#i.cursors, id: name }, { ignore: [404] });
    return got._source?.seq ?? 0;
  }

  async setCursor(name: string, seq: number): Promise<void> {
    await this.#es.index({ index: this.#i.cursors, id: name, document: { seq } });
  }

  async audit(caseId: string): Promise<CaseEvent[]> {
    await this.#fresh(this.#i.audit);
    const out: CaseEvent[] = [];
    for await (const d of this.#scanAudit({ term: { case_id: caseId } })) out.push(toEvent(d));
    return out;
  }

  async verifyAudit(): Promise<{ ok: boolean; entries: number; brokenAt: number | null; reason: string | null }> {
    await this.#fresh(this.#i.audit, true);
    const self = this;
    return verifyChain(
      (async function* () {
        for await (const d of self.#scanAudit({ match_all: {} })) yield toEvent(d);
      })(),
    );
  }

  async close(): Promise<void> {
    await this.#flushing;
    await this.#es.close();
  }

  /** Deletes every index of this store (tests). */
  async drop(): Promise<void> {
    await dropIndices(this.#es, this.#prefix, CASE_STORE_INDICES);
  }

  // ------------------------------------------------------------------ internals

  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ConflictError || err instanceof NotFoundError || err instanceof TypeError) throw err;
      if (err instanceof StorageError) throw err;
      throw new StorageError('case store write failed', err);
    }
  }

  #event(
    caseId: string | null,
    actor: string,
    action: string,
    fromStatus: CaseStatus | null,
    toStatus: CaseStatus | null,
    data: Record<string, unknown>,
    at = new Date().toISOString(),
  ): PendingEvent {
    return { eventId: randomUUID(), caseId, at, actor, action, fromStatus, toStatus, data, writtenAt: Date.now() };
  }

  #toDoc(state: CaseState, previous: CaseDoc | null, over: Partial<CaseDoc> = {}): CaseDoc {
    const c = state.case;
    const dueChecked = over.due_checked ?? previous?.due_checked ?? [];
    const due = state.corrections
      .filter((x) => x.status === 'requested' && !dueChecked.includes(x.id))
      .map((x) => x.dueAt)
      .sort();
    const pending = over.pending ?? previous?.pending ?? [];
    return {
      id: c.id,
      status: c.status,
      version: c.version,
      claim_key: c.claimKey,
      claim_type: c.claimType,
      assignee: c.assignee,
      poster_id: c.posterId,
      priority: c.priority,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      verdict_due_at: c.verdictDueAt,
      ...derivedFields(state),
      escalated: state.escalations.some((e) => e.status !== 'pending_approval'),
      post_ids: over.post_ids ?? previous?.post_ids ?? [],
      platforms: over.platforms ?? previous?.platforms ?? [],
      regions: over.regions ?? previous?.regions ?? [],
      folded: over.folded ?? previous?.folded ?? [],
      correction_ids: state.corrections.map((x) => x.id),
      escalation_ids: state.escalations.map((x) => x.id),
      rebuttal_ids: state.rebuttals.map((x) => x.id),
      correction_due: due[0] ?? null,
      due_checked: dueChecked,
      pending,
      pending_since: pending.length > 0 ? new Date(Math.min(...pending.map((p) => p.writtenAt))).toISOString() : null,
      state,
    };
  }

  /** A case as stored now (realtime GET), or this process's last copy when `cached`. */
  async #load(caseId: string, cached = false): Promise<Loaded | null> {
    if (cached) {
      const hit = this.#caseCache.get(caseId);
      if (hit) return hit;
    }
    const got = await this.#es.get<CaseDoc>({ index: this.#i.cases, id: caseId }, { ignore: [404] });
    if (!got.found || !got._source) return null;
    return this.#remember({ doc: got._source, seqNo: got._seq_no!, primaryTerm: got._primary_term! });
  }

  /** Claim key → case, the most recent 50,000 (a worker runs for months; claims keep coming). */
  #rememberClaim(claimKey: string, caseId: string): void {
    this.#claimCache.delete(claimKey);
    this.#claimCache.set(claimKey, caseId);
    if (this.#claimCache.size > 50_000) this.#claimCache.delete(this.#claimCache.keys().next().value!);
  }

  #remember(loaded: Loaded): Loaded {
    this.#caseCache.delete(loaded.doc.id);
    this.#caseCache.set(loaded.doc.id, loaded);
    if (this.#caseCache.size > 1_000) this.#caseCache.delete(this.#caseCache.keys().next().value!);
    return loaded;
  }

  /** Conditional write; false when another writer changed the case since it was read. */
  async #save(doc: CaseDoc, loaded: Loaded): Promise<boolean> {
    try {
      const res = await this.#es.index({
        index: this.#i.cases,
        id: doc.id,
        document: doc,
        if_seq_no: loaded.seqNo,
        if_primary_term: loaded.primaryTerm,
      });
      this.#dirty.add(this.#i.cases);
      this.#remember({ doc, seqNo: res._seq_no!, primaryTerm: res._primary_term! });
      return true;
    } catch (err) {
      this.#caseCache.delete(doc.id);
      if (isConflict(err)) return false;
      throw err;
    }
  }

  async #createDoc(index: string, id: string, document: object): Promise<boolean> {
    try {
      await this.#es.create({ index, id, document });
      this.#dirty.add(index);
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  async #writePoster(p: PosterWrite, at: string): Promise<void> {
    const given = {
      ...(p.profileUrl !== null ? { profile_url: p.profileUrl } : {}),
      ...(p.displayName !== null ? { display_name: p.displayName } : {}),
      ...(p.identity.realName !== null ? { real_name: p.identity.realName } : {}),
      ...(p.identity.phone !== null ? { phone: p.identity.phone } : {}),
      ...(p.identity.address !== null ? { address: p.identity.address } : {}),
      ...(p.identity.idNumber !== null ? { id_number: p.identity.idNumber } : {}),
    };
    const hasIdentity = Object.values(p.identity).some((v) => v !== null);
    const fresh: PosterDoc = {
      id: p.id,
      platform: p.platform,
      handle: p.handle,
      profile_url: p.profileUrl,
      display_name: p.displayName,
      created_at: at,
      real_name: p.identity.realName,
      phone: p.identity.phone,
      address: p.identity.address,
      id_number: p.identity.idNumber,
      has_identity: hasIdentity,
      merged_into: null,
    };
    // Fields given now win; the others keep what was recorded before.
    await this.#es.update({
      index: this.#i.posters,
      id: p.id,
      doc: { ...given, ...(hasIdentity ? { has_identity: true } : {}) },
      upsert: fresh,
      retry_on_conflict: 5,
    });
    this.#dirty.add(this.#i.posters);
  }

  async #detail(doc: CaseDoc): Promise<CaseDetail> {
    let poster: Poster | null = null;
    if (doc.poster_id) {
      const got = await this.#es.get<PosterDoc>({ index: this.#i.posters, id: doc.poster_id }, { ignore: [404] });
      if (got._source) {
        await this.#fresh(this.#i.cases);
        const count = await this.#es.count({ index: this.#i.cases, query: { term: { poster_id: doc.poster_id } } });
        poster = posterOf(got._source, count.count);
      }
    }
    return {
      case: doc.state.case,
      postIds: [...doc.post_ids],
      poster,
      corrections: doc.state.corrections,
      escalations: doc.state.escalations,
      rebuttals: doc.state.rebuttals,
    };
  }

  async #caseIdBy(field: string, id: string): Promise<string | null> {
    await this.#fresh(this.#i.cases);
    const res = await this.#es.search<CaseDoc>({
      index: this.#i.cases,
      size: 1,
      query: { term: { [field]: id } },
      _source: ['id'],
    });
    return res.hits.hits[0]?._source?.id ?? null;
  }

  /** Read-your-writes: refreshes an index this process wrote to before searching it. */
  async #fresh(index: string, always = false): Promise<void> {
    if (!always && !this.#dirty.has(index)) return;
    this.#dirty.delete(index);
    await this.#es.indices.refresh({ index });
  }

  /** Every case matching a query, in pages (search_after on id). */
  async *#scan(query: estypes.QueryDslQueryContainer, sort: estypes.Sort = [{ id: 'asc' }]): AsyncGenerator<CaseDoc> {
    let after: estypes.SortResults | undefined;
    const given = Array.isArray(sort) ? sort : [sort];
    const fullSort = given.some((s) => typeof s === 'object' && 'id' in s) ? given : [...given, { id: 'asc' as const }];
    for (;;) {
      const res = await this.#es.search<CaseDoc>({
        index: this.#i.cases,
        size: 500,
        query,
        sort: fullSort,
        ...(after ? { search_after: after } : {}),
      });
      for (const h of res.hits.hits) yield h._source!;
      if (res.hits.hits.length < 500) return;
      after = res.hits.hits[res.hits.hits.length - 1]!.sort;
    }
  }

  async *#scanAudit(query: estypes.QueryDslQueryContainer): AsyncGenerator<AuditDoc> {
    let after: estypes.SortResults | undefined;
    for (;;) {
      const res = await this.#es.search<AuditDoc>({
        index: this.#i.audit,
        size: 1_000,
        query,
        sort: [{ seq: 'asc' }],
        ...(after ? { search_after: after } : {}),
      });
      for (const h of res.hits.hits) yield h._source!;
      if (res.hits.hits.length < 1_000) return;
      after = res.hits.hits[res.hits.hits.length - 1]!.sort;
    }
  }

  /**
   * Appends this change's audit entries. They stay on the case document until this process
   * writes the case again (which drops the entries it knows are in the log) or the sweep does:
   * one write fewer per change.
   */
  async #settle(events: readonly PendingEvent[]): Promise<void> {
    await this.#append(events);
    for (const e of events) this.#appended.add(e.eventId);
    if (this.#appended.size > 10_000) this.#appended.clear();
  }

  /** The case's pending entries without those this process appended, plus a new one. */
  #pendingWith(doc: CaseDoc, event: PendingEvent): PendingEvent[] {
    return [...doc.pending.filter((p) => !this.#appended.has(p.eventId)), event];
  }

  /**
   * Appends entries to the chain, in order. Entries asked for while a block is being written go
   * together in the next block (group commit): a block is one conditional write of the head and
   * one bulk, however many entries it holds.
   */
  #append(events: readonly PendingEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.#queue.push({ events, resolve, reject }));
    this.#flushing ??= this.#flush();
    return done;
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        let n = 0;
        let size = 0;
        while (n < this.#queue.length && (n === 0 || size + this.#queue[n]!.events.length <= BLOCK_EVENTS)) {
          size += this.#queue[n]!.events.length;
          n++;
        }
        const waiting = this.#queue.splice(0, n);
        try {
          await this.#appendBlock(waiting.flatMap((w) => w.events));
          for (const w of waiting) w.resolve();
        } catch (err) {
          this.#head = null;
          for (const w of waiting) w.reject(err);
        }
      }
    } finally {
      this.#flushing = null;
    }
  }

  /**
   * Reserves the next sequence numbers for `events` by a conditional write of the head (which
   * holds the entries themselves), then creates the entries. Of two appenders only one moves
   * the head from a given state, so numbers are never taken twice; an appender that died after
   * its reservation leaves its entries in the head, and the next one to read the head writes them.
   */
  async #appendBlock(events: readonly PendingEvent[]): Promise<void> {
    for (let attempt = 0; attempt < 1_000; attempt++) {
      const current = this.#head ?? (await this.#readHead());
      let { seq, hash } = current.head;
      const block: AuditDoc[] = events.map((e) => {
        seq++;
        const event = {
          seq,
          caseId: e.caseId,
          at: e.at,
          actor: e.actor,
          action: e.action,
          fromStatus: e.fromStatus,
          toStatus: e.toStatus,
          data: e.data,
        };
        const prev = hash;
        hash = auditHash(prev, event);
        return {
          seq,
          event_id: e.eventId,
          case_id: e.caseId,
          at: e.at,
          actor: e.actor,
          action: e.action,
          from_status: e.fromStatus,
          to_status: e.toStatus,
          data: e.data,
          prev_hash: prev,
          hash,
        };
      });
      const head: ChainHead = { seq, hash, block };
      let res: estypes.WriteResponseBase;
      try {
        res = await this.#es.index({
          index: this.#i.head,
          id: HEAD_ID,
          document: head,
          if_seq_no: current.seqNo,
          if_primary_term: current.primaryTerm,
        });
      } catch (err) {
        this.#head = null;
        if (isConflict(err)) continue; // someone appended since: read the head again
        throw err;
      }
      this.#head = { head, seqNo: res._seq_no!, primaryTerm: res._primary_term! };
      await this.#writeBlock(block);
      return;
    }
    throw new StorageError('could not append to the audit log: too many concurrent appends');
  }

  /** The head, with its block written (its appender may have died before writing it). */
  async #readHead(): Promise<{ head: ChainHead; seqNo: number; primaryTerm: number }> {
    for (;;) {
      const got = await this.#es.get<ChainHead>({ index: this.#i.head, id: HEAD_ID }, { ignore: [404] });
      if (got.found && got._source) {
        await this.#writeBlock(got._source.block);
        return { head: got._source, seqNo: got._seq_no!, primaryTerm: got._primary_term! };
      }
      // No head yet: a chain written before there was one (or none), walked to its end.
      const last = await this.#probe(await this.#lastEntry());
      const head: ChainHead = { seq: last.seq, hash: last.hash, block: [] };
      try {
        const res = await this.#es.create({ index: this.#i.head, id: HEAD_ID, document: head });
        return { head, seqNo: res._seq_no!, primaryTerm: res._primary_term! };
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }

  /** Creates a reserved block's entries; one already there is the same entry, written by another process. */
  async #writeBlock(block: readonly AuditDoc[]): Promise<void> {
    if (block.length === 0) return;
    const res = await this.#es.bulk({
      operations: block.flatMap((doc) => [{ create: { _index: this.#i.audit, _id: String(doc.seq) } }, doc]),
    });
    this.#dirty.add(this.#i.audit);
    const failed = res.items.find((item) => item.create?.error && item.create.status !== 409);
    if (failed) {
      throw new StorageError(`could not write audit entry ${failed.create!._id}: ${failed.create!.error!.reason}`);
    }
  }

  /** The newest entry searchable now (a refresh makes every created entry searchable). */
  async #lastEntry(): Promise<{ seq: number; hash: string }> {
    await this.#fresh(this.#i.audit, true);
    const res = await this.#es.search<AuditDoc>({
      index: this.#i.audit,
      size: 1,
      sort: [{ seq: 'desc' }],
      _source: ['seq', 'hash'],
    });
    const top = res.hits.hits[0]?._source;
    return top ? { seq: top.seq, hash: top.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** Walks forward from a known entry with realtime GETs until the chain's end. */
  async #probe(from: { seq: number; hash: string }): Promise<{ seq: number; hash: string }> {
    let head = from;
    for (;;) {
      const got = await this.#es.get<AuditDoc>({ index: this.#i.audit, id: String(head.seq + 1) }, { ignore: [404] });
      if (!got.found || !got._source) return head;
      head = { seq: got._source.seq, hash: got._source.hash };
    }
  }

  /**
   * Appends the pending entries of cases whose writer died between its change and the log
   * (older than the grace period), skipping those already in the log. At start, and at most
   * once a minute while the log is tailed.
   */
  async #sweep(force: boolean): Promise<void> {
    if (!force && Date.now() - this.#lastSweep < 60_000) return;
    this.#lastSweep = Date.now();
    // A block reserved by an appender that died is written first: its entries are not missing.
    this.#head = await this.#readHead();
    await this.#fresh(this.#i.cases, true);
    const cutoff = new Date(Date.now() - this.#graceMs).toISOString();
    for await (const hit of this.#scan({ range: { pending_since: { lte: cutoff } } })) {
      const stale = hit.pending.filter((p) => p.writtenAt <= Date.now() - this.#graceMs);
      if (stale.length === 0) continue;
      await this.#fresh(this.#i.audit, true);
      const known = await this.#es.search<AuditDoc>({
        index: this.#i.audit,
        size: stale.length,
        query: { terms: { event_id: stale.map((p) => p.eventId) } },
        _source: ['event_id'],
      });
      const logged = new Set(known.hits.hits.map((h) => h._source!.event_id));
      await this.#append(stale.filter((p) => !logged.has(p.eventId)));
      const ids = new Set(stale.map((p) => p.eventId));
      for (let attempt = 0; attempt < RETRIES; attempt++) {
        const loaded = await this.#load(hit.id);
        if (!loaded) break;
        const updated = this.#toDoc(loaded.doc.state, loaded.doc, {
          pending: loaded.doc.pending.filter((p) => !ids.has(p.eventId)),
        });
        if (await this.#save(updated, loaded)) break;
      }
    }
  }
}

/** The results of posts that opened a case: the first opened it, the others were attached. */
function openedResults(caseId: string, posts: readonly FlaggedPost[]): Map<string, RecordResult> {
  return new Map(posts.map((p, i) => [p.postId, { caseId, created: i === 0, attached: true }] as const));
}

/** The folded text of a post that case search matches. */
function foldedOf(p: FlaggedPost): string {
  return foldText([p.title, p.text].filter(Boolean).join('\n'));
}

/** The list with `value` added once (null and undefined are not added). */
function addTo(list: readonly string[] | undefined, value: string | null | undefined): string[] {
  const out = [...(list ?? [])];
  if (value && !out.includes(value)) out.push(value);
  return out;
}

function totalOf(res: estypes.SearchResponse<unknown>): number {
  return typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
}

function toEvent(d: AuditDoc): CaseEvent {
  return eventOf(d, d.data);
}
