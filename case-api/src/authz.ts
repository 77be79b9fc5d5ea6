import { CASE_ACTIONS, ROLES, type Role } from '@kc/pipeline';

const ALL: readonly Role[] = ROLES;

/**
 * Who may call which route: the one table the routes check and the authorization-matrix test
 * walks. Workflow routes take their roles from the workflow itself (CASE_ACTIONS).
 */
export const AUTHZ = {
  'POST /api/auth/login': 'public',
  'POST /api/tips': 'public',
  'POST /api/auth/logout': ALL,
  'GET /api/me': ALL,
  'GET /api/users': ['analyst', 'supervisor', 'admin'],
  'GET /api/system/status': ALL,
  'GET /api/evidence/:sha256': ALL,
  'GET /api/cases': ALL,
  'GET /api/workload': ['supervisor', 'admin'],
  // Posts of every case, escalated or not: not for the police liaison.
  'GET /api/posts': ['analyst', 'supervisor', 'press_office', 'admin'],
  'GET /api/saved-searches': ALL,
  'POST /api/saved-searches': ALL,
  'DELETE /api/saved-searches/:id': ALL,
  'GET /api/cases/:id': ALL,
  'GET /api/cases/:id/audit': ['analyst', 'supervisor', 'police_liaison', 'admin'],
  'POST /api/cases/:id/comments': ['analyst', 'supervisor', 'press_office', 'police_liaison'],
  'POST /api/cases/:id/evidence': ['analyst', 'supervisor', 'press_office'],
  'POST /api/cases/:id/recrawl': ['analyst', 'supervisor', 'press_office'],
  'GET /api/posters/:id': ['analyst', 'supervisor', 'police_liaison'],
  'POST /api/posters/:id/merge': ['analyst', 'supervisor'],
  'POST /api/cases/bulk/assign': ['supervisor'],
  'POST /api/cases/bulk/dismiss': CASE_ACTIONS.dismiss.roles,
  'POST /api/cases/:id/assign': CASE_ACTIONS.assign.roles,
  'POST /api/cases/:id/verdict': CASE_ACTIONS.verdict.roles,
  'PUT /api/cases/:id/poster': CASE_ACTIONS.link_poster.roles,
  'POST /api/cases/:id/corrections': CASE_ACTIONS.request_correction.roles,
  'POST /api/cases/:id/escalations': CASE_ACTIONS.request_escalation.roles,
  'POST /api/escalations/:id/approve': CASE_ACTIONS.approve_escalation.roles,
  'POST /api/cases/:id/rebuttals': CASE_ACTIONS.draft_rebuttal.roles,
  'POST /api/rebuttals/:id/approve': CASE_ACTIONS.approve_rebuttal.roles,
  'POST /api/rebuttals/:id/publish': CASE_ACTIONS.publish_rebuttal.roles,
  'GET /api/rebuttals/:id/claimreview': 'public',
  'GET /api/corrections/:id/letter': ['analyst', 'supervisor', 'press_office'],
  'GET /api/reports/weekly': ['analyst', 'supervisor', 'press_office', 'admin'],
  'GET /api/stats': ['analyst', 'supervisor', 'press_office', 'admin'],
  'GET /api/escalations/:id/bundle': ['analyst', 'supervisor', 'police_liaison'],
  'POST /api/escalations/:id/acknowledge': CASE_ACTIONS.acknowledge_escalation.roles,
  'POST /api/escalations/:id/progress': CASE_ACTIONS.progress_escalation.roles,
  'POST /api/escalations/:id/outcome': CASE_ACTIONS.close_escalation.roles,
} as const satisfies Record<string, 'public' | readonly Role[]>;

export type RouteKey = keyof typeof AUTHZ;

export function allowedRoles(route: RouteKey): readonly Role[] {
  const rule = AUTHZ[route];
  return rule === 'public' ? ALL : rule;
}
