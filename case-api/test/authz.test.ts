import { ROLES, type Role } from '@kc/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, type RouteKey } from '../src/authz.js';
import { build, PASSWORD } from './helpers.js';

/**
 * Every route × every role, generated from the one authorization table: a role the table
 * allows is never answered 401/403; a role it does not allow always gets 403.
 */
describe('authorization matrix', () => {
  let ctx: Awaited<ReturnType<typeof build>>;
  let escalationId: string;
  let posterId: string;
  let otherPosterId: string;
  let rebuttalId: string;
  let correctionId: string;
  let savedSearchId: string;
  beforeAll(async () => {
    ctx = await build();
    const saved = await ctx.app.inject({
      method: 'POST',
      url: '/api/saved-searches',
      headers: ctx.as('analyst'),
      payload: { name: 'Phong tỏa', target: 'cases', query: { q: 'phong toa' } },
    });
    savedSearchId = saved.json().id;
    // A case escalated and approved, so the police liaison may see it and every route has a target.
    const h = ctx.as('analyst');
    await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/assign`,
      headers: h,
      payload: { assignee: 'analyst' },
    });
    await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/verdict`,
      headers: h,
      payload: { verdict: 'false' },
    });
    const corr = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/corrections`,
      headers: h,
      payload: { recipient: 'Báo X', channel: 'letter', message: 'Đề nghị cải chính', dueAt: '2099-01-01T00:00:00Z' },
    });
    correctionId = corr.json().corrections[0].id;
    const esc = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/escalations`,
      headers: h,
      payload: { unit: 'PA05', summary: 'Tin giả phong tỏa' },
    });
    escalationId = esc.json().escalations[0].id;
    const link = (handle: string) =>
      ctx.app.inject({
        method: 'PUT',
        url: `/api/cases/${ctx.caseId}/poster`,
        headers: h,
        payload: { platform: 'facebook', handle, profileUrl: `https://facebook.com/${handle}` },
      });
    otherPosterId = (await link('ban.khac')).json().poster.id;
    posterId = (await link('nguoi.dang')).json().poster.id;
    const draft = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/rebuttals`,
      headers: ctx.as('press_office'),
      payload: {
        title: 'Không có lệnh phong tỏa',
        body: 'UBND tỉnh không ban hành văn bản nào.',
        sources: ['https://gialai.gov.vn/'],
      },
    });
    rebuttalId = draft.json().rebuttals[0].id;
    await ctx.app.inject({
      method: 'POST',
      url: `/api/escalations/${escalationId}/approve`,
      headers: ctx.as('supervisor'),
    });
  });
  afterAll(async () => ctx?.close());

  const bodies: Partial<Record<RouteKey, unknown>> = {
    'POST /api/auth/login': { username: 'analyst', password: PASSWORD },
    'POST /api/tips': { url: 'https://example.vn/bai', note: 'x' },
    'POST /api/saved-searches': { name: 'Tin giả Gia Lai', target: 'posts', query: { region: 'Gia Lai' } },
    'POST /api/cases/:id/comments': { text: 'Đã kiểm tra nguồn.' },
    'POST /api/cases/:id/assign': { assignee: 'supervisor' },
    'POST /api/cases/:id/verdict': { verdict: 'false' },
    'PUT /api/cases/:id/poster': { platform: 'facebook', handle: 'x', profileUrl: 'https://facebook.com/x' },
    'POST /api/cases/:id/corrections': {
      recipient: 'Báo X',
      channel: 'letter',
      message: 'Đề nghị cải chính',
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
    'POST /api/cases/:id/escalations': { unit: 'PA05', summary: 's' },
    'POST /api/cases/bulk/dismiss': { caseIds: ['c_0000000000000000'], note: 'Không liên quan' },
    'POST /api/cases/:id/rebuttals': { title: 'T', body: 'B', sources: ['https://moh.gov.vn/'] },
    'POST /api/rebuttals/:id/publish': { where: 'Báo Gia Lai' },
    'POST /api/escalations/:id/outcome': { kind: 'no_action', note: 'Không đủ căn cứ' },
  };

  const cases: [RouteKey, Role][] = [];
  for (const route of Object.keys(AUTHZ) as RouteKey[]) for (const role of ROLES) cases.push([route, role]);

  it.each(cases)('%s as %s', async (route, role) => {
    const [method, path] = route.split(' ') as [string, string];
    const target = route.includes('/api/saved-searches')
      ? savedSearchId
      : route.includes('/api/escalations')
        ? escalationId
        : route.includes('/api/posters')
          ? posterId
          : route.includes('/api/rebuttals')
            ? rebuttalId
            : route.includes('/api/corrections')
              ? correctionId
              : ctx.caseId;
    const url = `${path.replace(':id', target).replace(':sha256', '0'.repeat(64))}${
      route === 'GET /api/reports/weekly' || route === 'GET /api/stats' ? '?from=2021-07-19&to=2021-07-25' : ''
    }`;
    const rule = AUTHZ[route];
    // Logging out ends the session: use a session of its own so the other requests keep theirs.
    const headers =
      route === 'POST /api/auth/logout'
        ? {
            authorization: `Bearer ${
              (
                await ctx.app.inject({
                  method: 'POST',
                  url: '/api/auth/login',
                  payload: { username: role.replace('_', '-'), password: PASSWORD },
                })
              ).json().token
            }`,
          }
        : ctx.as(role);
    // An analyst may only take a case themselves: each role assigns to itself.
    const body =
      route === 'POST /api/cases/:id/assign'
        ? { assignee: role.replace('_', '-') }
        : route === 'POST /api/posters/:id/merge'
          ? { into: otherPosterId }
          : route === 'POST /api/cases/bulk/assign'
            ? { caseIds: [ctx.caseId], assignee: 'analyst' }
            : bodies[route];
    const res = await ctx.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    if (rule === 'public' || (rule as readonly Role[]).includes(role)) {
      expect([401, 403], `${route} as ${role}: ${res.body}`).not.toContain(res.statusCode);
    } else {
      expect(res.statusCode, `${route} as ${role} (${url}): ${res.body}`).toBe(403);
    }
  });
});
