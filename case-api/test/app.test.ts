import { vietnamDay } from '@kc/pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from './helpers.js';

describe('case API', () => {
  let ctx: Awaited<ReturnType<typeof build>>;
  afterEach(async () => ctx?.close());

  it('answers 401 without a session, with a stable code and a request id', async () => {
    ctx = await build();
    const r = await ctx.app.inject({ method: 'GET', url: '/api/cases' });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ code: 'CASE_ERR_UNAUTHENTICATED' });
    expect(r.json().requestId).toBe(r.headers['x-request-id']);
    const forged = await ctx.app.inject({
      method: 'GET',
      url: '/api/cases',
      headers: { authorization: 'Bearer x'.padEnd(60, 'y') },
    });
    expect(forged.statusCode).toBe(401);
  });

  it('names the invalid field on 400, for bodies, params and query strings', async () => {
    ctx = await build();
    const body = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/corrections`,
      headers: ctx.as('analyst'),
      payload: { recipient: 'x', channel: 'pigeon', message: 'm', dueAt: 'tomorrow' },
    });
    expect(body.statusCode).toBe(400);
    expect(
      body
        .json()
        .fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['body.channel', 'body.dueAt']);
    const params = await ctx.app.inject({ method: 'GET', url: '/api/cases/not-a-case', headers: ctx.as('analyst') });
    expect(params.statusCode).toBe(400);
    expect(params.json().fields[0].field).toBe('params.id');
    const query = await ctx.app.inject({
      method: 'GET',
      url: '/api/cases?status=bogus&limit=-1',
      headers: ctx.as('analyst'),
    });
    expect(query.statusCode).toBe(400);
    expect(
      query
        .json()
        .fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['querystring.limit', 'querystring.status']);
    const notJson = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().code).toBe('CASE_ERR_VALIDATION');
  });

  it('refuses a stale If-Match with 409 and a malformed one with 400', async () => {
    ctx = await build();
    const h = ctx.as('analyst');
    const v = await ctx.app.inject({ method: 'GET', url: `/api/cases/${ctx.caseId}`, headers: h });
    expect(v.headers.etag).toBe('"1"');
    const ok = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/assign`,
      headers: { ...h, 'if-match': '"1"' },
      payload: { assignee: 'analyst' },
    });
    expect(ok.statusCode).toBe(200);
    const stale = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/verdict`,
      headers: { ...h, 'if-match': '"1"' },
      payload: { verdict: 'false' },
    });
    expect(stale.statusCode).toBe(409);
    const bad = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/verdict`,
      headers: { ...h, 'if-match': 'yesterday' },
      payload: { verdict: 'false' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('hides poster identity from the press office and admin, and cases from the police until escalated', async () => {
    ctx = await build();
    await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/assign`,
      headers: ctx.as('supervisor'),
      payload: { assignee: 'analyst' },
    });
    await ctx.app.inject({
      method: 'PUT',
      url: `/api/cases/${ctx.caseId}/poster`,
      headers: ctx.as('analyst'),
      payload: { platform: 'facebook', handle: 'nguoi.dang', profileUrl: 'https://facebook.com/nguoi.dang' },
    });
    for (const [role, hidden] of [
      ['analyst', false],
      ['supervisor', false],
      ['press_office', true],
      ['admin', true],
    ] as const) {
      const r = await ctx.app.inject({ method: 'GET', url: `/api/cases/${ctx.caseId}`, headers: ctx.as(role) });
      expect(r.json().posterHidden, role).toBe(hidden);
      expect(r.json().poster === null, role).toBe(hidden);
    }
    const police = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases/${ctx.caseId}`,
      headers: ctx.as('police_liaison'),
    });
    expect(police.statusCode).toBe(404);
    const audit = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases/${ctx.caseId}/audit`,
      headers: ctx.as('police_liaison'),
    });
    expect(audit.statusCode).toBe(404);
  });

  it('logs out: the token stops working', async () => {
    ctx = await build();
    const h = ctx.as('analyst');
    expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: h })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: h })).statusCode).toBe(204);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: h })).statusCode).toBe(401);
  });

  it('serves the console with a strict Content-Security-Policy', async () => {
    ctx = await build();
    const r = await ctx.app.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(r.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
    expect(r.body).toContain('<html lang="vi">');
    // API answers are data: nothing may be loaded by or frame them.
    const api = await ctx.app.inject({ method: 'GET', url: '/api/cases', headers: ctx.as('analyst') });
    expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api.headers['x-content-type-options']).toBe('nosniff');
  });

  it('takes citizen tips without login, refuses bad links and big bodies, and limits the rate', async () => {
    ctx = await build({ tips: { tipsPerWindow: 2, windowMs: 60_000 } });
    const send = (payload: unknown) => ctx.app.inject({ method: 'POST', url: '/api/tips', payload: payload as object });
    const ok = await send({ url: 'https://facebook.com/posts/1', note: 'Bài này nói uống nước muối khỏi covid' });
    expect(ok.statusCode).toBe(202);
    expect(ok.json()).toMatchObject({ id: 'tip_1', status: 'received' });
    expect(ctx.tips).toEqual([{ url: 'https://facebook.com/posts/1', note: 'Bài này nói uống nước muối khỏi covid' }]);
    const bad = await send({ url: 'javascript:alert(1)' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].field).toBe('body.url');
    const ssrf = await send({ url: 'http://10.0.0.1/admin' });
    expect(ssrf.statusCode).toBe(400);
    expect(ssrf.json().fields[0].message).toMatch(/private address/);
    const big = await ctx.app.inject({
      method: 'POST',
      url: '/api/tips',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ url: 'https://x.vn/', note: 'a'.repeat(20_000) }),
    });
    expect(big.statusCode).toBe(413);
    const limited = await send({ url: 'https://x.vn/4' });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(ctx.tips).toHaveLength(1);
  });

  it('limits tips per client behind a trusted proxy, and ignores X-Forwarded-For from anyone else', async () => {
    ctx = await build({ tips: { tipsPerWindow: 1, windowMs: 60_000 }, trustProxy: '10.0.0.5' });
    const send = (from: string, forwarded: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/tips',
        remoteAddress: from,
        headers: { 'x-forwarded-for': forwarded },
        payload: { url: 'https://facebook.com/posts/1' },
      });
    // Through the proxy, two citizens each have their own allowance.
    expect((await send('10.0.0.5', '203.0.113.7')).statusCode).toBe(202);
    expect((await send('10.0.0.5', '203.0.113.8')).statusCode).toBe(202);
    expect((await send('10.0.0.5', '203.0.113.7')).statusCode).toBe(429);
    // A client that is not the proxy cannot pick a fresh address with the header.
    expect((await send('198.51.100.1', '203.0.113.9')).statusCode).toBe(202);
    expect((await send('198.51.100.1', '203.0.113.10')).statusCode).toBe(429);
  });

  it('searches posts and cases with filters, and keeps saved searches per user', async () => {
    ctx = await build();
    const get = (url: string, role: Parameters<typeof ctx.as>[0] = 'analyst') =>
      ctx.app.inject({ method: 'GET', url, headers: ctx.as(role) });
    // Dates in queries are Vietnam days (UTC+7): after 17:00 UTC it is already tomorrow there.
    const today = vietnamDay(Date.now());
    expect((await get('/api/posts?q=phong%20toa&flagged=true&platform=web')).json().total).toBe(1);
    expect((await get('/api/posts?q=phong%20toa&platform=zalo')).json().total).toBe(0);
    expect((await get(`/api/posts?claimType=fake_order&from=${today}&to=${today}`)).json().total).toBe(1);
    expect((await get('/api/posts?to=2021-07-25')).json().total).toBe(0);
    expect((await get('/api/cases?claimType=fake_order,false_cure&platform=web')).json().total).toBe(1);
    expect((await get('/api/cases?claimType=false_cure')).json().total).toBe(0);
    expect((await get('/api/cases?region=Kon%20Tum')).json().total).toBe(0);
    const bad = await get('/api/cases?claimType=rumour&from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['querystring.claimType', 'querystring.from']);
    expect((await get('/api/posts', 'police_liaison')).statusCode).toBe(403);

    const save = (role: Parameters<typeof ctx.as>[0], payload: object) =>
      ctx.app.inject({ method: 'POST', url: '/api/saved-searches', headers: ctx.as(role), payload });
    const mine = await save('analyst', {
      name: 'Phong tỏa',
      target: 'cases',
      query: { q: 'phong toa', sort: 'priority' },
    });
    expect(mine.statusCode).toBe(201);
    expect(mine.json()).toMatchObject({
      name: 'Phong tỏa',
      target: 'cases',
      query: { q: 'phong toa', sort: 'priority' },
    });
    expect((await save('analyst', { name: 'Phong tỏa', target: 'posts', query: {} })).statusCode).toBe(409);
    const invalid = await save('analyst', { name: 'Sai', target: 'cases', query: { status: 'gone', colour: 'red' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().fields.map((f: { field: string }) => f.field)).toEqual(['body.query.status']);
    const unknown = await save('analyst', { name: 'Sai', target: 'posts', query: { colour: 'red' } });
    expect(unknown.json().fields).toEqual([{ field: 'body.query.colour', message: 'not a search parameter' }]);
    expect((await save('supervisor', { name: 'Phong tỏa', target: 'posts', query: {} })).statusCode).toBe(201);

    const list = (await get('/api/saved-searches')).json().items;
    expect(list.map((x: { name: string }) => x.name)).toEqual(['Phong tỏa']);
    // Running it is the list call with its query string.
    const run = await get(`/api/cases?${new URLSearchParams(list[0].query)}`);
    expect(run.json().total).toBe(1);
    const del = (role: Parameters<typeof ctx.as>[0]) =>
      ctx.app.inject({ method: 'DELETE', url: `/api/saved-searches/${list[0].id}`, headers: ctx.as(role) });
    expect((await del('supervisor')).statusCode).toBe(404); // not theirs
    expect((await del('analyst')).statusCode).toBe(204);
    expect((await get('/api/saved-searches')).json().items).toEqual([]);
    expect((await get('/api/saved-searches', 'supervisor')).json().items).toHaveLength(1);
  });

  it('answers /readyz with each store, and 503 naming the one that does not answer', async () => {
    ctx = await build();
    const ready = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ok: true, checks: { index: 'ok', cases: 'ok', users: 'ok' } });
    await ctx.index.close();
    const down = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json().ok).toBe(false);
    expect(down.json().checks.index).not.toBe('ok');
    expect(down.json().checks.cases).toBe('ok');
    expect((await ctx.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('keeps poster identity to three roles, audits every view, lists the cases of a poster and merges records', async () => {
    ctx = await build();
    const h = ctx.as('analyst');
    await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/assign`,
      headers: h,
      payload: { assignee: 'analyst' },
    });
    const first = await ctx.app.inject({
      method: 'PUT',
      url: `/api/cases/${ctx.caseId}/poster`,
      headers: h,
      payload: { platform: 'facebook', handle: 'tk.phu', profileUrl: 'https://facebook.com/tk.phu' },
    });
    const duplicateId = first.json().poster.id as string;
    const linked = await ctx.app.inject({
      method: 'PUT',
      url: `/api/cases/${ctx.caseId}/poster`,
      headers: h,
      payload: {
        platform: 'facebook',
        handle: 'nguoi.dang',
        profileUrl: 'https://facebook.com/nguoi.dang',
        identity: { realName: 'Nguyễn Văn A', phone: '0905 123 456', idNumber: '079123456789' },
      },
    });
    expect(linked.statusCode).toBe(200);
    const posterId = linked.json().poster.id as string;
    expect(linked.json().poster.identity).toMatchObject({ realName: 'Nguyễn Văn A', phone: '0905 123 456' });
    const bad = await ctx.app.inject({
      method: 'PUT',
      url: `/api/cases/${ctx.caseId}/poster`,
      headers: h,
      payload: {
        platform: 'facebook',
        handle: 'x',
        profileUrl: 'https://facebook.com/x',
        identity: { idNumber: '12' },
      },
    });
    expect(bad.json().fields[0].field).toBe('body.identity.idNumber');

    const press = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases/${ctx.caseId}`,
      headers: ctx.as('press_office'),
    });
    expect(press.json().poster).toBeNull();
    expect(JSON.stringify(press.json())).not.toContain('Nguyễn Văn A');
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/posters/${posterId}`, headers: ctx.as('press_office') }))
        .statusCode,
    ).toBe(403);
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/posters/${posterId}`, headers: ctx.as('police_liaison') }))
        .statusCode,
    ).toBe(404);

    const page = await ctx.app.inject({
      method: 'GET',
      url: `/api/posters/${posterId}`,
      headers: ctx.as('supervisor'),
    });
    expect(page.statusCode).toBe(200);
    expect(page.json().cases.map((c: { id: string }) => c.id)).toEqual([ctx.caseId]);
    expect(page.json().poster.caseCount).toBe(1);
    await ctx.app.inject({ method: 'GET', url: `/api/cases/${ctx.caseId}`, headers: h });
    const audit = await ctx.app.inject({ method: 'GET', url: `/api/cases/${ctx.caseId}/audit`, headers: h });
    const views = audit.json().items.filter((e: { action: string }) => e.action === 'poster_identity_viewed');
    expect(views.map((e: { actor: string }) => e.actor)).toContain('analyst');
    expect(JSON.stringify(audit.json())).not.toContain('0905 123 456');

    // The earlier record was the same person: merge it into the one with identity.
    await ctx.app.inject({
      method: 'PUT',
      url: `/api/cases/${ctx.caseId}/poster`,
      headers: h,
      payload: { platform: 'facebook', handle: 'tk.phu', profileUrl: 'https://facebook.com/tk.phu' },
    });
    const merged = await ctx.app.inject({
      method: 'POST',
      url: `/api/posters/${duplicateId}/merge`,
      headers: ctx.as('supervisor'),
      payload: { into: posterId },
    });
    expect(merged.statusCode).toBe(200);
    expect(merged.json().poster.caseCount).toBe(1);
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/posters/${duplicateId}/merge`,
      headers: ctx.as('supervisor'),
      payload: { into: posterId },
    });
    expect(again.statusCode).toBe(409);
    const view = await ctx.app.inject({ method: 'GET', url: `/api/cases/${ctx.caseId}`, headers: h });
    expect(view.json().poster.id).toBe(posterId);
  });

  it('bulk-assigns and bulk-dismisses, reporting each case on its own', async () => {
    ctx = await build();
    const missing = 'c_0000000000000000';
    const assign = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases/bulk/assign',
      headers: ctx.as('supervisor'),
      payload: { caseIds: [ctx.caseId, missing], assignee: 'analyst' },
    });
    expect(assign.statusCode).toBe(200);
    expect(assign.json().results).toEqual([
      { caseId: ctx.caseId, ok: true },
      expect.objectContaining({ caseId: missing, ok: false, code: 'CASE_ERR_NOT_FOUND' }),
    ]);
    expect(
      (
        await ctx.app.inject({
          method: 'POST',
          url: '/api/cases/bulk/assign',
          headers: ctx.as('analyst'),
          payload: { caseIds: [ctx.caseId], assignee: 'analyst' },
        })
      ).statusCode,
    ).toBe(403);
    const dismiss = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases/bulk/dismiss',
      headers: ctx.as('analyst'),
      payload: { caseIds: [ctx.caseId], note: 'Bài quảng cáo, không phải tin về dịch' },
    });
    expect(dismiss.json().results[0].ok).toBe(true);
    const view = await ctx.app.inject({ method: 'GET', url: `/api/cases/${ctx.caseId}`, headers: ctx.as('analyst') });
    expect(view.json().case.status).toBe('dismissed');
    const sorted = await ctx.app.inject({
      method: 'GET',
      url: '/api/cases?sort=priority&overdue=false',
      headers: ctx.as('analyst'),
    });
    expect(sorted.statusCode).toBe(200);
  });

  it('runs a rebuttal from draft to approval to publication, and exports it as ClaimReview', async () => {
    ctx = await build();
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
    const press = ctx.as('press_office');
    const noSource = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/rebuttals`,
      headers: press,
      payload: { title: 'Không có lệnh phong tỏa', body: 'Nội dung', sources: [] },
    });
    expect(noSource.statusCode).toBe(400);
    const draft = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/rebuttals`,
      headers: press,
      payload: {
        title: 'Thông tin phong tỏa toàn thành phố từ 0h là sai sự thật',
        body: 'UBND tỉnh không ban hành văn bản nào về việc phong tỏa toàn thành phố.',
        sources: ['https://gialai.gov.vn/'],
      },
    });
    const id = draft.json().rebuttals[0].id as string;
    expect(draft.json().rebuttals[0].status).toBe('draft');
    const early = await ctx.app.inject({
      method: 'POST',
      url: `/api/rebuttals/${id}/publish`,
      headers: press,
      payload: { where: 'Báo Gia Lai' },
    });
    expect(early.statusCode).toBe(409);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/rebuttals/${id}/claimreview` })).statusCode).toBe(404);
    expect(
      (await ctx.app.inject({ method: 'POST', url: `/api/rebuttals/${id}/approve`, headers: press })).statusCode,
    ).toBe(403);
    expect(
      (await ctx.app.inject({ method: 'POST', url: `/api/rebuttals/${id}/approve`, headers: ctx.as('supervisor') }))
        .statusCode,
    ).toBe(200);
    const published = await ctx.app.inject({
      method: 'POST',
      url: `/api/rebuttals/${id}/publish`,
      headers: press,
      payload: {
        where: 'Báo Gia Lai điện tử',
        url: 'https://baogialai.com.vn/bac-bo-tin-phong-toa',
        publishedAt: '2021-07-21T10:00:00+07:00',
      },
    });
    expect(published.statusCode).toBe(200);
    expect(published.json().case.status).toBe('rebuttal_published');
    const review = await ctx.app.inject({ method: 'GET', url: `/api/rebuttals/${id}/claimreview` });
    expect(review.headers['content-type']).toContain('application/ld+json');
    expect(review.json()).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      url: 'https://baogialai.com.vn/bac-bo-tin-phong-toa',
      datePublished: '2021-07-21T03:00:00.000Z',
      reviewRating: { ratingValue: 1, alternateName: 'Sai sự thật' },
      itemReviewed: { '@type': 'Claim', appearance: [{ url: 'https://tin.example.vn/khan' }] },
    });
    expect(JSON.stringify(review.json())).not.toContain('nguoi.dang');
  });
});
