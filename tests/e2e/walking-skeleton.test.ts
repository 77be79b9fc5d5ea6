import { createHash } from 'node:crypto';
import { DEMO_ARTICLES, DEMO_SOCIAL_POSTS } from '@kc/crawlers';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  type AppProcess,
  scaleOutEnv,
  startApp,
  tempDataDir,
  waitFor,
  waitForCrawl,
} from '../helpers/app-process.js';

/**
 * The walking skeleton end to end: `npm start`'s process crawls the demo web (RSS + articles
 * with JSON-LD, and a JavaScript-rendered social page), the pipeline classifies and opens cases,
 * and each role takes its step through the real HTTP API. The same test, unchanged, on the
 * embedded default and in scale-out mode.
 */
describe.each([
  ['embedded (SQLite)', () => ({})],
  ['scale-out (Kafka + Elasticsearch)', () => scaleOutEnv('ws')],
])('walking skeleton, %s: crawl → case → police escalation', (_mode, env: () => Record<string, string>) => {
  let app: AppProcess;
  const analyst = () => new ApiClient(app.url).login('phantich');

  beforeAll(async () => {
    app = await startApp({ dataDir: tempDataDir(), env: env() });
    await waitForCrawl(await analyst());
  });
  afterAll(async () => {
    await app?.stop();
  });

  const demoText = (text: string) => text.normalize('NFC').slice(0, 40);
  const expectations = new Map<string, { expect: string; claim?: string }>([
    ...DEMO_ARTICLES.map((a) => [demoText(a.paragraphs.join('\n\n')), a] as const),
    ...DEMO_SOCIAL_POSTS.map((p) => [demoText(p.text), p] as const),
  ]);

  it('opens one case per claim, attaches reposts, and leaves official posts, debunks and off-topic posts alone', async () => {
    const api = await analyst();
    const list = await api.call('GET', '/api/cases');
    expect(list.status).toBe(200);
    const seenPosts: { expect: string; claim?: string; claimKey: string }[] = [];
    for (const c of list.body.items) {
      const view = await api.call('GET', `/api/cases/${c.id}`);
      expect(view.status).toBe(200);
      for (const { post } of view.body.posts) {
        const known = expectations.get(demoText(post.text));
        expect(known, `unexpected post in a case: ${post.text}`).toBeDefined();
        seenPosts.push({ ...known!, claimKey: c.claimKey });
      }
    }
    // Every claim post is in a case, grouped by its known claim; nothing else is.
    expect(seenPosts.every((p) => p.expect === 'claim')).toBe(true);
    const claimItems = [...expectations.values()].filter((e) => e.expect === 'claim');
    expect(seenPosts).toHaveLength(claimItems.length);
    for (const p of seenPosts) expect(p.claimKey).toBe(`known:${p.claim}`);
    const keys = list.body.items.map((c: { claimKey: string }) => c.claimKey).sort();
    expect(keys).toEqual(['known:kc-2020-0001', 'known:kc-2021-0003', 'known:kc-2021-0004']);
    const falseCure = list.body.items.find((c: { claimKey: string }) => c.claimKey === 'known:kc-2020-0001');
    expect(falseCure.postCount).toBe(2); // the article and its no-diacritics repost
    expect(falseCure.claimType).toBe('false_cure');

    const status = await api.call('GET', '/api/system/status');
    expect(status.body.posts).toBe(DEMO_ARTICLES.length + DEMO_SOCIAL_POSTS.length);
    expect(status.body.pipeline.deadLettered).toBe(0);
  });

  it('shows classifier reasons and evidence captured with SHA-256 (screenshot for social posts)', async () => {
    const api = await analyst();
    const list = await api.call('GET', '/api/cases?q=vo sinh');
    expect(list.body.total).toBe(1);
    const view = await api.call('GET', `/api/cases/${list.body.items[0].id}`);
    const { post, classification } = view.body.posts[0];
    expect(post.platform).toBe('facebook');
    expect(post.author.handle).toBe('me.bin.bon');
    expect(classification.reasons.map((r: { rule: string }) => r.rule)).toContain('frame.vaccine_harm');
    const shot = post.evidence.find((e: { kind: string }) => e.kind === 'screenshot');
    expect(shot.sha256).toMatch(/^[0-9a-f]{64}$/);
    const png = await fetch(`${app.url}/api/evidence/${shot.sha256}`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('takes a false-cure case from triage to a police acknowledgement, with 400/401/403/409 on the way', async () => {
    const a = await analyst();
    const a2 = await new ApiClient(app.url).login('phantich2');
    const sup = await new ApiClient(app.url).login('giamsat');
    const press = await new ApiClient(app.url).login('baochi');
    const police = await new ApiClient(app.url).login('congan');

    // 401 without a session, 401 on a wrong password.
    expect((await new ApiClient(app.url).call('GET', '/api/cases')).status).toBe(401);
    const bad = await new ApiClient(app.url).call('POST', '/api/auth/login', {
      username: 'phantich',
      password: 'wrong-password',
    });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('CASE_ERR_BAD_CREDENTIALS');

    const list = await a.call('GET', '/api/cases?q=xong hoi sa chanh');
    expect(list.body.total).toBe(1);
    const id = list.body.items[0].id as string;

    // 409: a verdict before anyone reviews the case is an illegal transition.
    const early = await a.call('POST', `/api/cases/${id}/verdict`, { verdict: 'false', note: '', sources: [] });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('CASE_ERR_CONFLICT');

    // 403: the press office may not assign; an analyst may not assign someone else.
    expect((await press.call('POST', `/api/cases/${id}/assign`, { assignee: 'phantich' })).status).toBe(403);
    expect((await a.call('POST', `/api/cases/${id}/assign`, { assignee: 'phantich2' })).status).toBe(403);

    // 400 names the field.
    const noAssignee = await a.call('POST', `/api/cases/${id}/assign`, {});
    expect(noAssignee.status).toBe(400);
    expect(noAssignee.body.code).toBe('CASE_ERR_VALIDATION');
    expect(noAssignee.body.fields.map((f: { field: string }) => f.field)).toContain('body.assignee');

    const assigned = await a.call('POST', `/api/cases/${id}/assign`, { assignee: 'phantich' });
    expect(assigned.status).toBe(200);
    expect(assigned.body.case.status).toBe('in_review');
    const version = assigned.body.case.version as number;

    const badVerdict = await a.call('POST', `/api/cases/${id}/verdict`, { verdict: 'fake', note: 'x' });
    expect(badVerdict.status).toBe(400);
    expect(badVerdict.body.fields[0].field).toBe('body.verdict');
    expect((await a2.call('POST', `/api/cases/${id}/verdict`, { verdict: 'false' })).status).toBe(403);

    // 409: a write naming a stale version loses.
    const stale = await a.call(
      'POST',
      `/api/cases/${id}/verdict`,
      { verdict: 'false', note: 'x', sources: [] },
      { 'if-match': `"${version - 1}"` },
    );
    expect(stale.status).toBe(409);

    const verdict = await a.call(
      'POST',
      `/api/cases/${id}/verdict`,
      {
        verdict: 'false',
        note: 'Bộ Y tế khẳng định xông hơi không diệt được virus SARS-CoV-2.',
        sources: ['https://moh.gov.vn/'],
      },
      { 'if-match': `"${version}"` },
    );
    expect(verdict.status).toBe(200);
    expect(verdict.body.case.status).toBe('verified_false');

    const poster = await a.call('PUT', `/api/cases/${id}/poster`, {
      platform: 'facebook',
      handle: 'tuan.pleiku88',
      profileUrl: 'https://facebook.com/tuan.pleiku88',
      displayName: 'Tuấn Pleiku',
    });
    expect(poster.status).toBe(200);
    expect(poster.body.poster.handle).toBe('tuan.pleiku88');
    const pressView = await press.call('GET', `/api/cases/${id}`);
    expect(pressView.body.poster).toBeNull();
    expect(pressView.body.posterHidden).toBe(true);

    const esc = await a.call('POST', `/api/cases/${id}/escalations`, {
      unit: 'Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao – Công an tỉnh Gia Lai',
      summary: 'Tài khoản đăng mẹo chữa Covid sai sự thật, 154 lượt chia sẻ.',
    });
    expect(esc.status).toBe(200);
    const escalation = esc.body.escalations[0];
    expect(escalation.status).toBe('pending_approval');
    expect((await a.call('POST', `/api/cases/${id}/escalations`, { unit: 'x', summary: 'y' })).status).toBe(409);

    // Before approval the police liaison sees nothing.
    expect((await police.call('GET', '/api/cases')).body.total).toBe(0);
    expect((await police.call('GET', `/api/cases/${id}`)).status).toBe(404);

    expect((await a.call('POST', `/api/escalations/${escalation.id}/approve`)).status).toBe(403);
    const approved = await sup.call('POST', `/api/escalations/${escalation.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.case.status).toBe('escalated');
    expect((await sup.call('POST', `/api/escalations/${escalation.id}/approve`)).status).toBe(409);

    const policeList = await police.call('GET', '/api/cases');
    expect(policeList.body.total).toBe(1);
    expect(policeList.body.items[0].id).toBe(id);
    const policeView = await police.call('GET', `/api/cases/${id}`);
    expect(policeView.body.poster.handle).toBe('tuan.pleiku88');
    expect(policeView.body.allowedActions).toEqual([
      'acknowledge_escalation',
      'progress_escalation',
      'close_escalation',
    ]);
    const ack = await police.call('POST', `/api/escalations/${escalation.id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body.escalations[0].status).toBe('acknowledged');

    // The police liaison downloads the evidence bundle; every file matches the manifest.
    const bundle = await fetch(`${app.url}/api/escalations/${escalation.id}/bundle`, {
      headers: { authorization: `Bearer ${police.token}` },
    });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(new Uint8Array(await bundle.arrayBuffer()));
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    expect(manifest.files.length).toBeGreaterThan(4);
    for (const f of manifest.files) {
      expect(createHash('sha256').update(files[f.path]!).digest('hex'), f.path).toBe(f.sha256);
    }
    expect(Object.keys(files).some((p) => p.endsWith('.png'))).toBe(true);
    expect(JSON.parse(strFromU8(files['poster.json']!)).handle).toBe('tuan.pleiku88');
    expect(JSON.parse(strFromU8(files['case.json']!)).verdict.sources).toEqual(['https://moh.gov.vn/']);
    expect((await press.call('GET', `/api/escalations/${escalation.id}/bundle`)).status).toBe(403);

    const audit = await sup.call('GET', `/api/cases/${id}/audit`);
    expect(audit.status).toBe(200);
    // Evidence capture runs in the background and may land anywhere in the sequence.
    const steps = audit.body.items
      .filter(
        (e: { actor: string; action: string }) =>
          e.actor !== 'system:evidence' && e.action !== 'evidence_bundle_downloaded',
      )
      .map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`);
    expect(steps).toEqual([
      'case_opened:system:pipeline',
      'post_attached:system:pipeline',
      'assign:phantich',
      'verdict:phantich',
      'link_poster:phantich',
      'request_escalation:phantich',
      'approve_escalation:giamsat',
      'acknowledge_escalation:congan',
    ]);
    for (const e of audit.body.items) expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    expect(audit.body.items.at(-1).toStatus).toBe('escalated');

    // The police report the outcome back: an administrative fine needs its amount and legal basis.
    const noBasis = await police.call('POST', `/api/escalations/${escalation.id}/outcome`, {
      kind: 'administrative_fine',
      amountVnd: 7_500_000,
    });
    expect(noBasis.status).toBe(400);
    expect(noBasis.body.fields.map((f: { field: string }) => f.field)).toContain('body.legalBasis');
    expect((await police.call('POST', `/api/escalations/${escalation.id}/progress`)).status).toBe(200);
    const closed = await police.call('POST', `/api/escalations/${escalation.id}/outcome`, {
      kind: 'administrative_fine',
      amountVnd: 7_500_000,
      legalBasis: 'Điểm a khoản 1 Điều 101 Nghị định 15/2020/NĐ-CP',
      note: 'Người đăng đã gỡ bài và cam kết không tái phạm.',
    });
    expect(closed.status).toBe(200);
    expect(closed.body.case.status).toBe('closed');
    expect(closed.body.escalations[0]).toMatchObject({
      status: 'closed',
      outcome: { kind: 'administrative_fine', amountVnd: 7_500_000 },
    });
  });

  it('lets the press office request a correction with a due date, and refuses a date in the past', async () => {
    const a = await analyst();
    const press = await new ApiClient(app.url).login('baochi');
    const list = await a.call('GET', '/api/cases?q=phong toa');
    const id = list.body.items[0].id as string;
    await a.call('POST', `/api/cases/${id}/assign`, { assignee: 'phantich' });
    await a.call('POST', `/api/cases/${id}/verdict`, {
      verdict: 'false',
      note: 'UBND tỉnh không ban hành lệnh phong tỏa.',
    });
    const past = await press.call('POST', `/api/cases/${id}/corrections`, {
      recipient: 'Ban biên tập Tin Phố Núi',
      channel: 'letter',
      message: 'Đề nghị gỡ bỏ và đăng cải chính.',
      dueAt: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(past.body.fields[0].field).toBe('body.dueAt');
    const due = new Date(Date.now() + 2 * 86400_000).toISOString();
    const ok = await press.call('POST', `/api/cases/${id}/corrections`, {
      recipient: 'Ban biên tập Tin Phố Núi',
      channel: 'letter',
      message: 'Đề nghị gỡ bỏ bài viết và đăng cải chính trong 48 giờ.',
      dueAt: due,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.case.status).toBe('correction_requested');
    expect(ok.body.corrections[0].dueAt).toBe(due);
  });

  it('captures a full-page screenshot of a flagged article, and re-crawls a case on demand', async () => {
    const a = await analyst();
    const list = await a.call('GET', '/api/cases?q=xong hoi sa chanh');
    const id = list.body.items[0].id as string;
    const article = await waitFor('screenshot of the flagged article', async () => {
      const view = await a.call('GET', `/api/cases/${id}`);
      const post = view.body.posts.find((p: { post: { platform: string } }) => p.post.platform === 'web')?.post;
      return post?.evidence.some((e: { kind: string }) => e.kind === 'screenshot') ? post : undefined;
    });
    const shot = article.evidence.find((e: { kind: string }) => e.kind === 'screenshot');
    const png = await fetch(`${app.url}/api/evidence/${shot.sha256}`, {
      headers: { authorization: `Bearer ${a.token}` },
    });
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      (await a.call('GET', `/api/cases/${id}/audit`)).body.items.map((e: { action: string }) => e.action),
    ).toContain('evidence_captured');

    const police = await new ApiClient(app.url).login('congan');
    expect((await police.call('POST', `/api/cases/${id}/recrawl`)).status).toBe(403);
    const queued = await a.call('POST', `/api/cases/${id}/recrawl`);
    expect(queued.status).toBe(202);
    expect(queued.body.queued).toBe(2);
    const checks = await waitFor('re-crawl results on the timeline', async () => {
      const audit = await a.call('GET', `/api/cases/${id}/audit`);
      const found = audit.body.items.filter((e: { action: string }) => e.action === 'recrawl_checked');
      return found.length >= 2 ? found : undefined;
    });
    expect(checks.map((e: { data: { outcome: string } }) => e.data.outcome)).toEqual(['unchanged', 'unchanged']);
  });

  it('turns a citizen tip into a captured post that joins the case of its claim', async () => {
    const a = await analyst();
    const caseList = await a.call('GET', '/api/cases?q=vo sinh');
    const id = caseList.body.items[0].id as string;
    const social = (await a.call('GET', `/api/cases/${id}`)).body.posts[0].post;
    const tip = await new ApiClient(app.url).call('POST', '/api/tips', {
      url: social.url,
      note: 'Nhóm Zalo của phụ huynh đang chia sẻ bài này.',
    });
    expect(tip.status).toBe(202);
    const tipped = await waitFor('the tip to join the case', async () => {
      const view = await a.call('GET', `/api/cases/${id}`);
      return view.body.posts.find((p: { post: { tags: string[] } }) => p.post.tags.includes('tip'))?.post;
    });
    expect(tipped.tipNote).toBe('Nhóm Zalo của phụ huynh đang chia sẻ bài này.');
    expect(tipped.tags).toContain(`tip:${tip.body.id}`);
    expect(tipped.evidence.map((e: { kind: string }) => e.kind).sort()).toEqual(['html', 'screenshot']);
  });

  it('serves the console and the OpenAPI document', async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('Kiểm Chứng');
    const metrics = await fetch(`${app.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/kc_crawl_pages_total\{source="demo-tin-pho-nui"\} 7/);
    expect(metrics).toMatch(/kc_crawl_posts_total\{source="demo-hoi-yeu-pleiku"\} 6/);
    expect(metrics).toMatch(/kc_pipeline_posts\{outcome="processed"\} [1-9]\d*/);
    expect(metrics).toMatch(/kc_classifier_flagged_posts\{claim_type="false_cure"\} [1-9]/);
    expect(metrics).toMatch(/kc_cases\{status="new"\} [1-9]/);
    expect(metrics).toMatch(
      /kc_http_request_duration_seconds_count\{method="GET",route="\/api\/cases",status_code="200"\} [1-9]/,
    );
    expect(metrics).toContain('kc_cases_overdue 0');
    const spec = await fetch(`${app.url}/docs/json`).then((r) => r.json());
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/cases',
        '/api/cases/{id}/verdict',
        '/api/escalations/{id}/acknowledge',
      ]),
    );
  });
});
