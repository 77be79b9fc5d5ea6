import {
  AWAITING,
  CaseEventSchema,
  CaseSchema,
  CaseStatusSchema,
  ClaimKindSchema,
  ClassificationSchema,
  CorrectionSchema,
  EscalationSchema,
  OUTCOME_KINDS,
  PosterSchema,
  PostSchema,
  RebuttalSchema,
  SAVED_SEARCH_TARGETS,
  SavedSearchSchema,
  VerdictSchema,
} from '@kc/pipeline/domain';
import { z } from 'zod';

const trimmed = (max: number) => z.string().trim().min(1).max(max);

export const CaseIdParams = z.object({ id: z.string().regex(/^c_[0-9a-f]{16}$/, 'not a case id') });
export const EscalationIdParams = z.object({ id: z.string().regex(/^es_[0-9a-f-]{36}$/, 'not an escalation id') });

/** A comma-separated list of values of an enum ("new,in_review"). */
function csvOf<T extends string>(values: readonly T[], what: string) {
  return z
    .string()
    .max(500)
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const parts = s.split(',').filter(Boolean);
      for (const p of parts) {
        if (!(values as readonly string[]).includes(p)) {
          ctx.addIssue({ code: 'custom', message: `unknown ${what} ${p}` });
          return z.NEVER;
        }
      }
      return parts as T[];
    });
}

/**
 * A bound of a time range: a day (YYYY-MM-DD, taken in Vietnam time, UTC+7) or an ISO date-time.
 * `end` turns a day into the start of the next one, so `to=2021-07-25` includes that day.
 */
function bound(end: boolean) {
  return z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .optional()
    .transform((v) => {
      if (!v) return undefined;
      if (v.length > 10) return new Date(v).toISOString();
      return new Date(Date.parse(`${v}T00:00:00+07:00`) + (end ? 86_400_000 : 0)).toISOString();
    });
}

/** Filters shared by the case list and the post search. */
const SearchFilters = {
  q: z.string().max(500).optional(),
  claimType: csvOf(ClaimKindSchema.options, 'claim kind'),
  platform: z.string().trim().min(1).max(40).optional(),
  /** District or province: matches regions that start with it ("Gia Lai" finds "Gia Lai / TP. Pleiku"). */
  region: z.string().trim().min(1).max(200).optional(),
  from: bound(false),
  to: bound(true),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

export const CaseListQuery = z.object({
  status: csvOf(CaseStatusSchema.options, 'status'),
  assignee: z.string().max(40).optional(),
  overdue: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  /** Cases waiting for an approval or a publication, comma-separated. */
  awaiting: csvOf(AWAITING, 'awaiting'),
  sort: z.enum(['updated', 'priority', 'created', 'reach']).default('updated'),
  ...SearchFilters,
});

export const WorkloadList = z.object({
  items: z.array(z.object({ assignee: z.string(), inReview: z.number().int(), overdue: z.number().int() })),
});

export const PostSearchQuery = z.object({
  flagged: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  ...SearchFilters,
});

export const PostList = z.object({
  items: z.array(z.object({ post: PostSchema, classification: ClassificationSchema, indexedAt: z.string() })),
  total: z.number().int(),
});

export const SavedSearchBody = z.object({
  name: trimmed(100),
  target: z.enum(SAVED_SEARCH_TARGETS),
  /** The query string of GET /api/cases or /api/posts, as name → value. */
  query: z.record(z.string().max(40), z.string().max(500)),
});
export const SavedSearchIdParams = z.object({ id: z.string().regex(/^ss_[0-9a-f-]{36}$/, 'not a saved search id') });
export const SavedSearchList = z.object({ items: z.array(SavedSearchSchema) });

export const CaseList = z.object({ items: z.array(CaseSchema), total: z.number().int() });

export const CaseView = z.object({
  case: CaseSchema,
  posts: z.array(z.object({ post: PostSchema, classification: ClassificationSchema })),
  /** Null when there is none, or when the caller's role may not see poster identity. */
  poster: PosterSchema.nullable(),
  posterHidden: z.boolean(),
  corrections: z.array(CorrectionSchema),
  escalations: z.array(EscalationSchema),
  rebuttals: z.array(RebuttalSchema),
  timeline: z.array(CaseEventSchema),
  allowedActions: z.array(z.string()),
});

export const AssignBody = z.object({ assignee: trimmed(40) });

export const VerdictBody = z.object({
  verdict: VerdictSchema,
  note: z.string().trim().max(5000).default(''),
  sources: z.array(z.url().max(2000)).max(20).default([]),
});

export const PosterBody = z.object({
  platform: trimmed(40),
  handle: trimmed(200),
  profileUrl: z.url().max(2000),
  displayName: z.string().trim().max(300).optional(),
  /** Restricted personal data (from verification or the police); never logged. */
  identity: z
    .object({
      realName: z.string().trim().max(300).optional(),
      phone: z
        .string()
        .trim()
        .regex(/^[+\d][\d .-]{5,20}$/, 'số điện thoại không hợp lệ')
        .optional(),
      address: z.string().trim().max(500).optional(),
      idNumber: z
        .string()
        .trim()
        .regex(/^\d{9}(\d{3})?$/, 'số CMND/CCCD gồm 9 hoặc 12 chữ số')
        .optional(),
    })
    .optional(),
});

export const PosterIdParams = z.object({ id: z.string().regex(/^u_[0-9a-f]{16}$/, 'not a poster id') });
export const MergeBody = z.object({ into: z.string().regex(/^u_[0-9a-f]{16}$/, 'not a poster id') });

export const CorrectionBody = z.object({
  recipient: trimmed(300),
  channel: z.enum(['email', 'letter', 'platform_report', 'phone', 'in_person']),
  message: trimmed(20_000),
  dueAt: z.iso.datetime({ offset: true }),
});

export const EscalationBody = z.object({ unit: trimmed(300), summary: trimmed(20_000) });

export const AuditList = z.object({ items: z.array(CaseEventSchema) });

const caseIdList = z
  .array(z.string().regex(/^c_[0-9a-f]{16}$/, 'not a case id'))
  .min(1)
  .max(200);
export const BulkAssignBody = z.object({ caseIds: caseIdList, assignee: trimmed(40) });
export const BulkDismissBody = z.object({ caseIds: caseIdList, note: trimmed(2000) });
export const BulkResult = z.object({
  results: z.array(
    z.object({ caseId: z.string(), ok: z.boolean(), code: z.string().optional(), message: z.string().optional() }),
  ),
});

export const RebuttalIdParams = z.object({ id: z.string().regex(/^rb_[0-9a-f-]{36}$/, 'not a rebuttal id') });
export const RebuttalBody = z.object({
  title: trimmed(300),
  body: trimmed(20_000),
  sources: z.array(z.url().max(2000)).min(1, 'cần ít nhất một nguồn chính thống').max(20),
});
export const PublishBody = z.object({
  where: trimmed(300),
  url: z.url().max(2000).optional(),
  publishedAt: z.iso.datetime({ offset: true }).optional(),
});

export const OutcomeBody = z
  .object({
    kind: z.enum(OUTCOME_KINDS),
    amountVnd: z.number().int().positive().max(1_000_000_000).optional(),
    legalBasis: z.string().trim().min(5).max(500).optional(),
    note: z.string().trim().max(5000).default(''),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'administrative_fine') {
      if (!b.amountVnd) ctx.addIssue({ code: 'custom', path: ['amountVnd'], message: 'phạt tiền cần số tiền' });
      if (!b.legalBasis)
        ctx.addIssue({ code: 'custom', path: ['legalBasis'], message: 'phạt tiền cần căn cứ pháp lý' });
    }
  });
