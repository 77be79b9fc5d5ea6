import { z } from 'zod';

/** Kinds of Covid claims the inspectorate tracks (BRIEF.md, "Claims that circulated"). */
export const CLAIM_KINDS = [
  'false_cure',
  'vaccine_harm',
  'fake_order',
  'hidden_cases',
  'tracing_rumour',
  'app_data_theft',
  'shortage_panic',
  'conspiracy',
  'forged_document',
  'fake_test_result',
] as const;
export const ClaimKindSchema = z.enum(CLAIM_KINDS);
export type ClaimKind = z.infer<typeof ClaimKindSchema>;

export const ReasonSchema = z.object({
  /** Stable rule id, e.g. "frame.false_cure" or "known.kc-2020-0001". */
  rule: z.string(),
  kind: z.enum(['topic', 'claim', 'known_claim', 'amplifier', 'counter', 'model']),
  /** Vietnamese explanation shown to analysts. */
  message: z.string(),
  /** The folded phrases that matched, for highlighting. */
  phrases: z.array(z.string()),
  weight: z.number(),
});
export type Reason = z.infer<typeof ReasonSchema>;

/** What the classifier says about one post. */
export const ClassificationSchema = z.object({
  covid: z.boolean(),
  flagged: z.boolean(),
  score: z.number().min(0).max(1),
  claimType: ClaimKindSchema.nullable(),
  knownClaimIds: z.array(z.string()),
  /** Groups reposts of the same claim into one case. Null when not flagged. */
  claimKey: z.string().nullable(),
  reasons: z.array(ReasonSchema),
  modelVersion: z.string(),
});
export type Classification = z.infer<typeof ClassificationSchema>;
