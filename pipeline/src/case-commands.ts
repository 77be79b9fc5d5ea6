/**
 * What a case command does to a case, as a pure function over the case and its records
 * (corrections, escalations, rebuttals). A store loads the state, applies the command and
 * writes the result under its own concurrency control (Elasticsearch: if_seq_no).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type Case,
  type CaseStatus,
  type Correction,
  canTransition,
  type Escalation,
  type PosterIdentity,
  priorityOf,
  type Rebuttal,
  statusForVerdict,
} from './domain/index.js';
import { ConflictError } from './errors.js';
import type { Actor, CaseCommand, FlaggedPost, RecordResult } from './ports.js';

export interface CaseState {
  readonly case: Case;
  readonly corrections: readonly Correction[];
  readonly escalations: readonly Escalation[];
  readonly rebuttals: readonly Rebuttal[];
}

/** A poster record the command creates or completes (non-null fields win over stored ones). */
export interface PosterWrite {
  readonly id: string;
  readonly platform: string;
  readonly handle: string;
  readonly profileUrl: string | null;
  readonly displayName: string | null;
  readonly identity: PosterIdentity;
}

export interface Transition {
  readonly state: CaseState;
  readonly from: CaseStatus;
  readonly to: CaseStatus;
  /** What the audit log records (never poster identity itself). */
  readonly data: Record<string, unknown>;
  readonly poster: PosterWrite | null;
}

export const PIPELINE_ACTOR = 'system:pipeline';
export const OPEN_ESCALATION: readonly Escalation['status'][] = [
  'pending_approval',
  'sent',
  'acknowledged',
  'in_progress',
];

/** A poster's id: one record per platform and handle (handles compare case-insensitively). */
export function posterIdOf(platform: string, handle: string): string {
  return `u_${createHash('sha256').update(`${platform}\n${handle.toLowerCase()}`).digest('hex').slice(0, 16)}`;
}

/** The id of the case a flagged post opens: stable, so a redelivered post opens no second case. */
export function caseIdOf(claimKey: string, postId: string): string {
  return `c_${createHash('sha256').update(`${claimKey}\n${postId}`).digest('hex').slice(0, 16)}`;
}

/** The case title: the post's title, else its text, on one line and at most 140 characters. */
export function caseTitleOf(post: Pick<FlaggedPost, 'title' | 'text'>): string {
  const base = (post.title?.trim() || post.text.trim()).replace(/\s+/g, ' ');
  return base.length > 140 ? `${base.slice(0, 139)}…` : base || '(không có nội dung)';
}

/**
 * A batch's posts by claim key, claims in order of first appearance; a post given twice is taken
 * once, as first given (it may have been edited into another claim in between). Every post must
 * be flagged.
 */
export function groupByClaim(posts: readonly FlaggedPost[]): Map<string, FlaggedPost[]> {
  const groups = new Map<string, FlaggedPost[]>();
  const given = new Set<string>();
  for (const post of posts) {
    const claimKey = post.classification.claimKey;
    if (!claimKey) throw new TypeError(`post ${post.postId} is not flagged: it has no claim key`);
    if (given.has(post.postId)) continue;
    given.add(post.postId);
    const group = groups.get(claimKey);
    if (group) group.push(post);
    else groups.set(claimKey, [post]);
  }
  return groups;
}

/** The data of the audit entry of posts attached to a case in one write. */
export function attachedData(posts: readonly FlaggedPost[]): Record<string, unknown> {
  return posts.length === 1 ? { postId: posts[0]!.postId } : { postIds: posts.map((p) => p.postId) };
}

/**
 * The results of a batch in the posts' order; a post given twice is recorded once, and its
 * second copy reports that it changed nothing.
 */
export function inPostOrder(posts: readonly FlaggedPost[], byPost: ReadonlyMap<string, RecordResult>): RecordResult[] {
  const seen = new Set<string>();
  return posts.map((p) => {
    const result = byPost.get(p.postId)!;
    if (seen.has(p.postId)) return { caseId: result.caseId, created: false, attached: false };
    seen.add(p.postId);
    return result;
  });
}

/** A new case for a flagged post; the verdict clock starts at detection (`now`). */
export function openCase(post: FlaggedPost, now: Date, verdictDeadlineMs: number): Case {
  const claimKey = post.classification.claimKey;
  if (!claimKey) throw new TypeError(`post ${post.postId} is not flagged: it has no claim key`);
  const reach = post.reach ?? 0;
  return {
    id: caseIdOf(claimKey, post.postId),
    status: 'new',
    version: 1,
    claimKey,
    claimType: post.classification.claimType,
    title: caseTitleOf(post),
    score: post.classification.score,
    postCount: 1,
    assignee: null,
    priority: priorityOf(post.classification.claimType, reach),
    reach,
    verdictDueAt: new Date(now.getTime() + verdictDeadlineMs).toISOString(),
    posterId: null,
    verdict: null,
    createdAt: post.at,
    updatedAt: post.at,
  };
}

/** The case after another post of its claim was attached. */
export function attachPost(c: Case, post: FlaggedPost): Case {
  const reach = Math.max(c.reach, post.reach ?? 0);
  return {
    ...c,
    postCount: c.postCount + 1,
    score: Math.max(c.score, post.classification.score),
    version: c.version + 1,
    updatedAt: post.at,
    reach,
    priority: priorityOf(c.claimType, reach),
  };
}

/**
 * Applies a command to a case. Throws ConflictError when the workflow does not allow the action
 * from the case's status, or a record it names is not in the state the action needs.
 */
export function applyCaseCommand(
  state: CaseState,
  command: CaseCommand,
  actor: Actor,
  at: string,
  newId: (prefix: string) => string = (prefix) => `${prefix}_${randomUUID()}`,
): Transition {
  const c = state.case;
  if (!canTransition(command.action, c.status)) {
    throw new ConflictError(`action ${command.action} is not allowed on a case in status ${c.status}`, c.version);
  }
  const conflict = (message: string) => new ConflictError(message, c.version);
  let to: CaseStatus = c.status;
  let next: Case = c;
  let { corrections, escalations, rebuttals } = state;
  let data: Record<string, unknown> = {};
  let poster: PosterWrite | null = null;
  const escalation = (id: string, statuses: readonly Escalation['status'][], message: string) => {
    const e = escalations.find((x) => x.id === id && statuses.includes(x.status));
    if (!e) throw conflict(message);
    return e;
  };
  const rebuttal = (id: string, status: Rebuttal['status'], message: string) => {
    const r = rebuttals.find((x) => x.id === id && x.status === status);
    if (!r) throw conflict(message);
    return r;
  };
  const replace = <T extends { id: string }>(list: readonly T[], item: T) =>
    list.map((x) => (x.id === item.id ? item : x));

  switch (command.action) {
    case 'assign':
      to = 'in_review';
      next = { ...c, assignee: command.assignee };
      data = { assignee: command.assignee };
      break;
    case 'dismiss':
      to = 'dismissed';
      next = { ...c, verdict: { verdict: 'not_covid', note: command.note, sources: [], by: actor.username, at } };
      data = { note: command.note };
      break;
    case 'verdict':
      to = statusForVerdict(command.verdict);
      next = {
        ...c,
        verdict: {
          verdict: command.verdict,
          note: command.note,
          sources: [...command.sources],
          by: actor.username,
          at,
        },
      };
      data = { verdict: command.verdict, note: command.note, sources: command.sources };
      break;
    case 'link_poster': {
      const id = posterIdOf(command.platform, command.handle);
      const identity = {
        realName: command.identity?.realName ?? null,
        phone: command.identity?.phone ?? null,
        address: command.identity?.address ?? null,
        idNumber: command.identity?.idNumber ?? null,
      };
      poster = {
        id,
        platform: command.platform,
        handle: command.handle,
        profileUrl: command.profileUrl,
        displayName: command.displayName,
        identity,
      };
      next = { ...c, posterId: id };
      // Identity itself stays out of the audit log: it records that identity was recorded, not what.
      data = { posterId: id, identityRecorded: Object.values(identity).some((v) => v) };
      break;
    }
    case 'request_correction': {
      const id = newId('cr');
      corrections = [
        ...corrections,
        {
          id,
          caseId: c.id,
          recipient: command.recipient,
          channel: command.channel,
          message: command.message,
          dueAt: command.dueAt,
          status: 'requested',
          createdBy: actor.username,
          createdAt: at,
        },
      ];
      to = 'correction_requested';
      data = { correctionId: id, recipient: command.recipient, channel: command.channel, dueAt: command.dueAt };
      break;
    }
    case 'request_escalation': {
      const open = escalations.find((e) => OPEN_ESCALATION.includes(e.status));
      if (open) throw conflict(`case ${c.id} already has an open escalation ${open.id}`);
      const id = newId('es');
      escalations = [
        ...escalations,
        {
          id,
          caseId: c.id,
          unit: command.unit,
          summary: command.summary,
          status: 'pending_approval',
          requestedBy: actor.username,
          requestedAt: at,
          approvedBy: null,
          approvedAt: null,
          acknowledgedBy: null,
          acknowledgedAt: null,
          outcome: null,
          closedAt: null,
        },
      ];
      data = { escalationId: id, unit: command.unit };
      break;
    }
    case 'approve_escalation': {
      const e = escalation(
        command.escalationId,
        ['pending_approval'],
        `escalation ${command.escalationId} is not waiting for approval`,
      );
      escalations = replace(escalations, { ...e, status: 'sent', approvedBy: actor.username, approvedAt: at });
      to = 'escalated';
      data = { escalationId: e.id };
      break;
    }
    case 'acknowledge_escalation': {
      const e = escalation(
        command.escalationId,
        ['sent'],
        `escalation ${command.escalationId} is not waiting for acknowledgement`,
      );
      escalations = replace(escalations, {
        ...e,
        status: 'acknowledged',
        acknowledgedBy: actor.username,
        acknowledgedAt: at,
      });
      data = { escalationId: e.id };
      break;
    }
    case 'progress_escalation': {
      const e = escalation(
        command.escalationId,
        ['acknowledged'],
        `escalation ${command.escalationId} is not acknowledged`,
      );
      escalations = replace(escalations, { ...e, status: 'in_progress' });
      data = { escalationId: e.id };
      break;
    }
    case 'close_escalation': {
      const e = escalation(
        command.escalationId,
        ['acknowledged', 'in_progress'],
        `escalation ${command.escalationId} is not open with the police`,
      );
      escalations = replace(escalations, { ...e, status: 'closed', outcome: command.outcome, closedAt: at });
      to = 'closed';
      data = { escalationId: e.id, outcome: command.outcome };
      break;
    }
    case 'draft_rebuttal': {
      const id = newId('rb');
      rebuttals = [
        ...rebuttals,
        {
          id,
          caseId: c.id,
          title: command.title,
          body: command.body,
          sources: [...command.sources],
          status: 'draft',
          draftedBy: actor.username,
          draftedAt: at,
          approvedBy: null,
          approvedAt: null,
          publishedWhere: null,
          publishedUrl: null,
          publishedAt: null,
        },
      ];
      data = { rebuttalId: id, title: command.title };
      break;
    }
    case 'approve_rebuttal': {
      const r = rebuttal(
        command.rebuttalId,
        'draft',
        `rebuttal ${command.rebuttalId} is not a draft waiting for approval`,
      );
      rebuttals = replace(rebuttals, { ...r, status: 'approved', approvedBy: actor.username, approvedAt: at });
      data = { rebuttalId: r.id };
      break;
    }
    case 'publish_rebuttal': {
      const r = rebuttal(
        command.rebuttalId,
        'approved',
        `rebuttal ${command.rebuttalId} is not approved for publication`,
      );
      rebuttals = replace(rebuttals, {
        ...r,
        status: 'published',
        publishedWhere: command.where,
        publishedUrl: command.url,
        publishedAt: command.publishedAt,
      });
      // An escalated case stays with the police; otherwise the case records the public answer.
      if (c.status !== 'escalated') to = 'rebuttal_published';
      data = { rebuttalId: r.id, where: command.where, url: command.url };
      break;
    }
  }
  return {
    state: {
      case: { ...next, status: to, version: c.version + 1, updatedAt: at },
      corrections,
      escalations,
      rebuttals,
    },
    from: c.status,
    to,
    data,
    poster,
  };
}
