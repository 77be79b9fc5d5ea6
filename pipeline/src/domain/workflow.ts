import type { CaseStatus, Role, Verdict } from './case.js';

/**
 * The case workflow (DESIGN.md): which action may move a case from which status to which,
 * and who may take it. The case store enforces the statuses inside its transaction; the
 * API enforces the roles. No action escalates automatically: a human takes every step.
 */
/** Statuses in which the press office may answer a claim publicly. */
const REBUTTABLE = [
  'verified_false',
  'verified_misleading',
  'correction_requested',
  'rebuttal_published',
  'escalated',
] as const satisfies readonly CaseStatus[];

export const CASE_ACTIONS = {
  assign: { from: ['new', 'in_review'], roles: ['analyst', 'supervisor'] },
  verdict: { from: ['in_review'], roles: ['analyst', 'supervisor'] },
  /** Triage shortcut for obvious non-cases (bulk dismiss): straight to dismissed, with a reason. */
  dismiss: { from: ['new', 'in_review'], roles: ['analyst', 'supervisor'] },
  link_poster: {
    from: ['new', 'in_review', 'verified_false', 'verified_misleading', 'correction_requested', 'rebuttal_published'],
    roles: ['analyst', 'supervisor'],
  },
  request_correction: {
    from: ['verified_false', 'verified_misleading', 'correction_requested', 'rebuttal_published'],
    roles: ['analyst', 'supervisor', 'press_office'],
  },
  request_escalation: {
    from: ['verified_false', 'verified_misleading', 'correction_requested', 'rebuttal_published'],
    roles: ['analyst', 'supervisor'],
  },
  approve_escalation: {
    from: ['verified_false', 'verified_misleading', 'correction_requested', 'rebuttal_published'],
    roles: ['supervisor'],
  },
  acknowledge_escalation: { from: ['escalated'], roles: ['police_liaison'] },
  progress_escalation: { from: ['escalated'], roles: ['police_liaison'] },
  /** The police report the outcome back; the case is closed with it. */
  close_escalation: { from: ['escalated'], roles: ['police_liaison'] },
  draft_rebuttal: { from: REBUTTABLE, roles: ['press_office', 'supervisor'] },
  approve_rebuttal: { from: REBUTTABLE, roles: ['supervisor'] },
  publish_rebuttal: { from: REBUTTABLE, roles: ['press_office', 'supervisor'] },
} as const satisfies Record<string, { from: readonly CaseStatus[]; roles: readonly Role[] }>;

export type CaseAction = keyof typeof CASE_ACTIONS;

export function canTransition(action: CaseAction, status: CaseStatus): boolean {
  return (CASE_ACTIONS[action].from as readonly CaseStatus[]).includes(status);
}

export function roleMayAct(action: CaseAction, role: Role): boolean {
  return (CASE_ACTIONS[action].roles as readonly Role[]).includes(role);
}

export function statusForVerdict(verdict: Verdict): CaseStatus {
  switch (verdict) {
    case 'false':
      return 'verified_false';
    case 'misleading':
      return 'verified_misleading';
    case 'true':
    case 'not_covid':
      return 'dismissed';
  }
}

/** How harmful each kind of claim is, 1..5: part of a case's priority. */
export const CLAIM_SEVERITY: Readonly<Record<string, number>> = {
  fake_order: 5,
  vaccine_harm: 4,
  false_cure: 4,
  hidden_cases: 4,
  forged_document: 4,
  shortage_panic: 4,
  tracing_rumour: 3,
  app_data_theft: 3,
  fake_test_result: 3,
  conspiracy: 2,
};

/** Reach of a post: reactions + 2 × comments + 3 × shares (shares spread a claim furthest). */
export function reachOf(metrics: { reactions: number; comments: number; shares: number } | null): number {
  return metrics ? metrics.reactions + 2 * metrics.comments + 3 * metrics.shares : 0;
}

/** Priority of a case: severity of its claim kind scaled by the log of its reach. */
export function priorityOf(claimType: string | null, reach: number): number {
  const severity = claimType ? (CLAIM_SEVERITY[claimType] ?? 2) : 2;
  return Math.round(severity * (1 + Math.log10(1 + Math.max(0, reach))) * 10) / 10;
}

/** Vietnamese names of statuses, for the console, letters and reports. */
export const STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  new: 'Mới phát hiện',
  in_review: 'Đang xác minh',
  verified_false: 'Đã xác minh: sai sự thật',
  verified_misleading: 'Đã xác minh: gây hiểu lầm',
  dismissed: 'Không xử lý',
  correction_requested: 'Đã yêu cầu cải chính',
  rebuttal_published: 'Đã đăng tin phản bác',
  escalated: 'Đã chuyển công an',
  closed: 'Đã đóng',
};
