import { ClaimKindSchema } from '@kc/classifier';
import { z } from 'zod';

export const ROLES = ['analyst', 'supervisor', 'press_office', 'police_liaison', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const CASE_STATUSES = [
  'new',
  'in_review',
  'verified_false',
  'verified_misleading',
  'dismissed',
  'correction_requested',
  'rebuttal_published',
  'escalated',
  'closed',
] as const;
export const CaseStatusSchema = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatusSchema>;

export const VERDICTS = ['false', 'misleading', 'true', 'not_covid'] as const;
export const VerdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof VerdictSchema>;

/** Personal data of a poster: shown only to analysts, supervisors and police liaisons, every view audited. */
export const PosterIdentitySchema = z.object({
  realName: z.string().max(300).nullable(),
  phone: z.string().max(50).nullable(),
  address: z.string().max(500).nullable(),
  idNumber: z.string().max(50).nullable(),
});
export type PosterIdentity = z.infer<typeof PosterIdentitySchema>;

export const PosterSchema = z.object({
  id: z.string(),
  platform: z.string(),
  handle: z.string(),
  profileUrl: z.url().nullable(),
  displayName: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  /** Cases linked to this poster: repeat posters stand out. */
  caseCount: z.number().int().nonnegative().default(0),
  /** Set when this record was merged into another poster. */
  mergedInto: z.string().nullable().default(null),
  /** Null when the caller may not see identity (or none is recorded). */
  identity: PosterIdentitySchema.nullable().default(null),
});
export type Poster = z.infer<typeof PosterSchema>;

export const CaseVerdictSchema = z.object({
  verdict: VerdictSchema,
  note: z.string(),
  sources: z.array(z.string()),
  by: z.string(),
  at: z.iso.datetime({ offset: true }),
});

export const CaseSchema = z.object({
  id: z.string(),
  status: CaseStatusSchema,
  /** Incremented by every change; a write naming an older version is refused (409). */
  version: z.number().int().positive(),
  claimKey: z.string(),
  claimType: ClaimKindSchema.nullable(),
  title: z.string(),
  score: z.number(),
  postCount: z.number().int().nonnegative(),
  assignee: z.string().nullable(),
  /** Severity of the claim kind × log of reach; higher first in the triage queue. */
  priority: z.number(),
  /** Largest reach of the case's posts (reactions + 2 × comments + 3 × shares). */
  reach: z.number().int().nonnegative(),
  /** When the verdict is due (detection + the configured deadline). */
  verdictDueAt: z.iso.datetime({ offset: true }).nullable(),
  posterId: z.string().nullable(),
  verdict: CaseVerdictSchema.nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type Case = z.infer<typeof CaseSchema>;

export const CorrectionSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  recipient: z.string(),
  channel: z.string(),
  message: z.string(),
  dueAt: z.iso.datetime({ offset: true }),
  status: z.enum(['requested', 'corrected', 'taken_down', 'ignored']),
  createdBy: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type Correction = z.infer<typeof CorrectionSchema>;

export const OUTCOME_KINDS = ['warning', 'administrative_fine', 'criminal_referral', 'no_action'] as const;
export const EscalationOutcomeSchema = z.object({
  kind: z.enum(OUTCOME_KINDS),
  /** Fine in VND (administrative fines only). */
  amountVnd: z.number().int().positive().nullable(),
  /** e.g. "Điểm a khoản 1 Điều 101 Nghị định 15/2020/NĐ-CP". */
  legalBasis: z.string().nullable(),
  note: z.string(),
});
export type EscalationOutcome = z.infer<typeof EscalationOutcomeSchema>;

export const ESCALATION_STATUSES = ['pending_approval', 'sent', 'acknowledged', 'in_progress', 'closed'] as const;
export const EscalationSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  unit: z.string(),
  summary: z.string(),
  status: z.enum(ESCALATION_STATUSES),
  requestedBy: z.string(),
  requestedAt: z.iso.datetime({ offset: true }),
  approvedBy: z.string().nullable(),
  approvedAt: z.iso.datetime({ offset: true }).nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.iso.datetime({ offset: true }).nullable(),
  outcome: EscalationOutcomeSchema.nullable().default(null),
  closedAt: z.iso.datetime({ offset: true }).nullable().default(null),
});
export type Escalation = z.infer<typeof EscalationSchema>;

/** What a case is waiting for from someone other than its analyst (the supervisor's and press office's queues). */
export const AWAITING = ['escalation_approval', 'rebuttal_approval', 'rebuttal_publication'] as const;
export type Awaiting = (typeof AWAITING)[number];

/** What a case waits for, from its escalations and rebuttals. */
export function awaitingOf(detail: {
  readonly escalations: readonly { readonly status: string }[];
  readonly rebuttals: readonly { readonly status: string }[];
}): Awaiting[] {
  const out: Awaiting[] = [];
  if (detail.escalations.some((e) => e.status === 'pending_approval')) out.push('escalation_approval');
  if (detail.rebuttals.some((r) => r.status === 'draft')) out.push('rebuttal_approval');
  if (detail.rebuttals.some((r) => r.status === 'approved')) out.push('rebuttal_publication');
  return out;
}

export const RebuttalSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  title: z.string(),
  body: z.string(),
  sources: z.array(z.string()),
  status: z.enum(['draft', 'approved', 'published']),
  draftedBy: z.string(),
  draftedAt: z.iso.datetime({ offset: true }),
  approvedBy: z.string().nullable(),
  approvedAt: z.iso.datetime({ offset: true }).nullable(),
  publishedWhere: z.string().nullable(),
  publishedUrl: z.url().nullable(),
  publishedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type Rebuttal = z.infer<typeof RebuttalSchema>;

/** One entry of the append-only, hash-chained audit log; also the case timeline. */
export const CaseEventSchema = z.object({
  seq: z.number().int().positive(),
  caseId: z.string().nullable(),
  at: z.iso.datetime({ offset: true }),
  actor: z.string(),
  action: z.string(),
  fromStatus: CaseStatusSchema.nullable(),
  toStatus: CaseStatusSchema.nullable(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type CaseEvent = z.infer<typeof CaseEventSchema>;

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: RoleSchema,
  displayName: z.string().nullable(),
});
export type User = z.infer<typeof UserSchema>;

export const SAVED_SEARCH_TARGETS = ['cases', 'posts'] as const;
/** A user's named search: the query string of GET /api/cases or /api/posts, kept to run again. */
export const SavedSearchSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  target: z.enum(SAVED_SEARCH_TARGETS),
  query: z.record(z.string(), z.string()),
  createdAt: z.iso.datetime({ offset: true }),
});
export type SavedSearch = z.infer<typeof SavedSearchSchema>;
