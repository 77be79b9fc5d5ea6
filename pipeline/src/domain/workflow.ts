import type { CaseStatus, Role, Verdict } from './case.js';

/**
 * The case workflow (DESIGN.md): which action may move a case from which status to which,
 * and who may take it. The case store enforces the statuses inside its transaction; the
 * API enforces the roles. No action escalates automatically: a human takes every step.
 */
export const CASE_ACTIONS = {
  assign: { from: ['new', 'in_review'], roles: ['analyst', 'supervisor'] },
  verdict: { from: ['in_review'], roles: ['analyst', 'supervisor'] },
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
