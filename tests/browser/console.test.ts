import { join } from 'node:path';
import { type Post, postId, SqliteBus, TOPICS } from '@kc/pipeline';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type AppProcess, startApp, tempDataDir, waitFor, waitForCrawl } from '../helpers/app-process.js';
import { launchChromium, SHOTS, signIn } from '../helpers/browser.js';

/** The console in a real browser (Debian's Chromium through playwright-core). */
describe('console in Chromium', () => {
  let app: AppProcess;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp({ dataDir: tempDataDir() });
    await waitForCrawl(await new ApiClient(app.url).login('phantich'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function login(username: string): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    (page as Page & { errors?: string[] }).errors = errors;
    await page.goto(app.url);
    await signIn(page, username);
    return page;
  }

  it('analyst: logs in, sees the triage queue in Vietnamese, opens a case and takes it', async () => {
    const page = await login('phantich');
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(3);
    expect(await page.textContent('h1')).toBe('Hàng đợi xác minh');
    await page.screenshot({ path: join(SHOTS, 'triage-queue.png'), fullPage: true });

    await page.fill('#filter-q', 'xong hoi');
    await page.click('#filters button[type=submit]');
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(1);
    await page.locator('tr.case-row').first().click();
    await page.waitForSelector('#case-title');
    expect(await page.textContent('#case-title')).toContain('xông hơi');
    expect(await page.locator('article.post').count()).toBe(2);
    // The classifier's phrases are marked in the original text, diacritics and all.
    const marks = await page.locator('article.post .post-text mark.hit').allTextContents();
    expect(marks.map((m) => m.toLowerCase())).toContain('xông hơi');
    // The social post came with its screenshot; the article's is taken by the evidence worker.
    await expect.poll(() => page.locator('img.evidence-shot[src^="blob:"]').count(), { timeout: 30_000 }).toBe(2);
    await page.screenshot({ path: join(SHOTS, 'case-view.png'), fullPage: true });

    await page.click('#assign-form button[type=submit]');
    await page.waitForSelector('#verdict-form');
    expect(await page.textContent('.badge')).toBe('Đang xác minh');
    await page.selectOption('#verdict', 'false');
    await page.fill('#verdict-note', 'Bộ Y tế đã bác bỏ.');
    await page.click('#verdict-form button[type=submit]');
    await page.waitForSelector('#escalation-form');
    expect(await page.textContent('.badge')).toBe('Sai sự thật');
    const timeline = await page.textContent('#timeline');
    expect(timeline).toContain('Phân công xác minh — phantich');
    expect(timeline).toContain('Kết luận xác minh — phantich');
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('police liaison: sees an empty inbox until a case is escalated and approved', async () => {
    const page = await login('congan');
    expect(await page.textContent('h1')).toBe('Hồ sơ được chuyển đến Công an');
    expect(await page.textContent('#case-total')).toBe('0 vụ việc');
    await page.click('#logout');
    await page.waitForSelector('#login-form');
    await page.close();
  });
  it('analyst: a slow answer for an earlier list never replaces the filter chosen after it', async () => {
    const page = await login('phantich');
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(3);
    // The unfiltered list (sorted by update) answers late; the false-cure filter chosen meanwhile answers at once.
    let heldBack: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      heldBack = resolve;
    });
    await page.route('**/api/cases?*', async (route) => {
      if (route.request().url().includes('sort=updated') && !route.request().url().includes('claimType')) await held;
      await route.continue();
    });
    await page.evaluate(() => {
      location.hash = '#/?sort=updated';
    });
    await page.evaluate(() => {
      location.hash = '#/?sort=updated&claimType=false_cure';
    });
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(1);
    heldBack();
    // Give the late answer time to arrive and (wrongly) render.
    await page.waitForLoadState('networkidle');
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.locator('tr.case-row').count()).toBe(1);
    expect(await page.inputValue('#filter-kind')).toBe('false_cure');
    await page.close();
  });

  it('analyst: filters the queue by claim kind and platform, saves the search and runs it again', async () => {
    const page = await login('phantich');
    await page.selectOption('#filter-kind', 'false_cure');
    await page.click('#filters button[type=submit]');
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(1);
    await page.selectOption('#filter-platform', 'zalo');
    await page.click('#filters button[type=submit]');
    await expect.poll(() => page.textContent('#case-total')).toBe('0 vụ việc');
    await page.selectOption('#filter-platform', '');
    await page.click('#filters button[type=submit]');
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(1);
    await page.fill('#save-name', 'Mẹo chữa bệnh sai');
    await page.click('#save-search button[type=submit]');
    await expect.poll(() => page.locator('#saved-searches option').count()).toBe(2);

    await page.goto(`${app.url}/#/`);
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(3);
    await page.selectOption('#saved-searches', { label: 'Mẹo chữa bệnh sai' });
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(1);
    expect(await page.inputValue('#filter-kind')).toBe('false_cure');
    await page.screenshot({ path: join(SHOTS, 'saved-search.png'), fullPage: true });
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('supervisor: reads the weekly report on screen, by district, and downloads it as DOCX', async () => {
    const page = await login('giamsat');
    await page.click('#nav-report');
    await page.waitForSelector('#report-summary');
    expect(await page.textContent('h1')).toBe('Báo cáo tuần');
    const cell = (label: string) =>
      page.locator('#report-summary tr', { hasText: label }).locator('td').nth(1).textContent();
    expect(await cell('Bài đăng được giám sát')).toBe('12');
    expect(Number(await cell('Bài đăng bị gắn cờ'))).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#report-kinds tbody tr').count()).toBe(3);
    expect(await page.locator('#report-unusual li').count()).toBe(3);
    await page.screenshot({ path: join(SHOTS, 'weekly-report.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-docx')]);
    expect(download.suggestedFilename()).toMatch(/^bao-cao-tuan-.*\.docx$/);
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 2).toString('latin1')).toBe('PK');

    await page.fill('#report-district', 'Kon Tum');
    await page.click('#report-form button[type=submit]');
    await expect.poll(() => page.textContent('#report-scope')).toContain('Địa bàn: Kon Tum');
    expect(await cell('Bài đăng được giám sát')).toBe('0');
    expect(await page.locator('#report-unusual li').count()).toBe(0);
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('supervisor: statistics with charts by day, kind, platform, district and outcome', async () => {
    const page = await login('giamsat');
    await page.click('#nav-stats');
    await page.waitForSelector('#chart-days svg');
    expect(await page.textContent('h1')).toBe('Thống kê');
    expect(await page.textContent('#stat-monitored .figure-value')).toBe('12');
    const flagged = Number(await page.textContent('#stat-flagged .figure-value'));
    expect(flagged).toBeGreaterThanOrEqual(5);
    // Thirty days by default, one bar each; the bars add up to the flagged figure.
    const days = await page
      .locator('#chart-days rect.bar')
      .evaluateAll((r) => r.map((x) => Number(x.getAttribute('data-value'))));
    expect(days).toHaveLength(30);
    expect(days.reduce((a, b) => a + b, 0)).toBe(flagged);
    const kinds = await page
      .locator('#chart-kinds rect.bar')
      .evaluateAll((r) => r.map((x) => x.getAttribute('data-label')));
    expect(kinds).toContain('Mẹo chữa bệnh sai');
    expect(await page.locator('#chart-platforms rect.bar').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#chart-districts rect.bar').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#chart-outcomes rect.bar').count()).toBeGreaterThanOrEqual(1);
    // The analyst's verdict in the first test counts towards the time to verdict.
    expect(await page.textContent('#stat-verdict-median')).toMatch(/\(trung vị, 1 vụ việc\)/);
    await page.screenshot({ path: join(SHOTS, 'statistics.png'), fullPage: true });

    await page.fill('#stats-district', 'Kon Tum');
    await page.click('#stats-form button[type=submit]');
    await expect.poll(() => page.textContent('#stats-scope')).toContain('Địa bàn: Kon Tum');
    expect(await page.textContent('#stat-flagged .figure-value')).toBe('0');
    expect(await page.locator('#chart-kinds rect.bar').count()).toBe(0);
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('analyst: moves through the queue with j/k, picks cases with x and dismisses them in bulk', async () => {
    const page = await login('phantich');
    await page.goto(`${app.url}/#/?status=new`);
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(2);
    const ids = await page.locator('tr.case-row').evaluateAll((r) => r.map((x) => (x as HTMLElement).dataset.caseId));
    await page.locator('h1').click();
    await page.keyboard.press('j');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.caseId)).toBe(ids[0]);
    await page.keyboard.press('j');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.caseId)).toBe(ids[1]);
    await page.keyboard.press('x');
    await page.keyboard.press('k');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.caseId)).toBe(ids[0]);
    await page.keyboard.press('x');
    expect(await page.textContent('#bulk-count')).toBe('Đã chọn 2 vụ việc');
    // Without a reason nothing is dismissed.
    await page.click('#bulk-dismiss button[type=submit]');
    await expect.poll(() => page.textContent('#toast')).toBe('Hãy ghi lý do không xử lý.');
    await page.fill('#bulk-note', 'Trùng lặp, không phải tin sai sự thật.');
    await page.screenshot({ path: join(SHOTS, 'bulk-dismiss.png'), fullPage: true });
    await page.click('#bulk-dismiss button[type=submit]');
    await expect.poll(() => page.textContent('#case-total')).toBe('0 vụ việc');
    expect(await page.textContent('#toast')).toBe('Đã chuyển 2 vụ việc sang “Không xử lý”.');
    await page.goto(`${app.url}/#/?status=dismissed`);
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(2);
    // Enter on a focused row opens it; its timeline keeps the reason.
    await page.locator('h1').click();
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#case-title');
    expect(await page.textContent('#timeline')).toContain('Không xử lý — phantich');
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('shows a post carrying <img onerror> and <script> as text, and runs none of it', async () => {
    const text =
      'Nghe nói uống nước muối ấm diệt được virus corona trong cổ họng, share gấp! ' +
      '<img src=x onerror="window.__pwned=1;alert(1)"> <script>window.__pwned=2;alert(2)</script>';
    const post = webPost('xss', text, {
      title: '<b onmouseover="alert(3)">Tin nóng</b>',
      author: { name: '<svg onload=alert(4)>', handle: 'x', profileUrl: null },
    });
    await publish([post]);
    const api = await new ApiClient(app.url).login('phantich');
    const caseId = await waitFor('the hostile post to open a case', async () => {
      const r = await api.call('GET', '/api/cases?q=nuoc muoi');
      return r.body.items[0]?.id as string | undefined;
    });

    const page = await login('phantich');
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${app.url}/#/cases/${caseId}`);
    await page.waitForSelector('article.post .post-text');
    expect(await page.textContent('article.post .post-text')).toBe(text);
    expect(await page.textContent('article.post h2')).toBe(post.title);
    expect(
      await page.locator('article.post img[src="x"], article.post script, article.post b, article.post svg').count(),
    ).toBe(0);
    await page.goto(`${app.url}/#/?q=nuoc muoi`);
    await expect.poll(() => page.locator('tr.case-row').count()).toBe(1);
    await page.locator('tr.case-row').hover();
    expect(await page.evaluate(() => (window as Window & { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'hostile-post.png'), fullPage: true });
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  /** Puts posts on the running app's own bus, as a crawler would publish them. */
  async function publish(posts: Post[]): Promise<void> {
    const bus = SqliteBus.create({ file: join(app.dataDir, 'bus.sqlite') });
    await bus.publish(
      TOPICS.postsRaw,
      posts.map((p) => ({ key: p.id, value: JSON.stringify(p) })),
    );
    await bus.close();
  }

  /** A web post as the crawler makes it. */
  function webPost(path: string, text: string, over: Partial<Post> = {}): Post {
    const url = `https://tin.example.vn/bai/${path}`;
    return {
      id: postId('web', { url }),
      platform: 'web',
      sourceId: 'test',
      url,
      platformPostId: null,
      title: null,
      text,
      author: null,
      publishedAt: null,
      fetchedAt: new Date().toISOString(),
      region: null,
      metrics: null,
      evidence: [],
      tags: [],
      tipNote: null,
      ...over,
    };
  }

  /** Saves a download and returns its first bytes. */
  async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; head: string }> {
    const [file] = await Promise.all([page.waitForEvent('download'), click()]);
    const chunks: Buffer[] = [];
    for await (const chunk of await file.createReadStream()) chunks.push(chunk as Buffer);
    return { name: file.suggestedFilename(), head: Buffer.concat(chunks).subarray(0, 2).toString('latin1') };
  }

  it('press office: drafts a rebuttal, the supervisor approves it, the press office publishes it and downloads the letter', async () => {
    const analyst = await new ApiClient(app.url).login('phantich');
    const caseId = (await analyst.call('GET', '/api/cases?status=verified_false')).body.items[0].id as string;
    const version = (await analyst.call('GET', `/api/cases/${caseId}`)).body.case.version as number;
    const due = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const requested = await analyst.call(
      'POST',
      `/api/cases/${caseId}/corrections`,
      {
        recipient: 'Chủ trang “Tin nóng Gia Lai”',
        channel: 'letter',
        message: 'Đề nghị gỡ bài viết sai sự thật.',
        dueAt: due,
      },
      { 'if-match': `"${version}"` },
    );
    expect(requested.status).toBe(200);

    const press = await login('baochi');
    await page(press, `#/cases/${caseId}`);
    await press.fill('#rebuttal-title', 'Xông hơi không chữa được Covid-19');
    await press.fill(
      '#rebuttal-body',
      'Sở Y tế khẳng định xông hơi bằng sả, chanh không diệt được virus SARS-CoV-2 trong phổi.',
    );
    await press.fill(
      '#rebuttal-sources',
      'https://moh.gov.vn/tin-tong-hop/-/asset_publisher/k206Q9qkZOqn/content/xong-hoi',
    );
    await press.click('#rebuttal-form button[type=submit]');
    await expect.poll(() => press.textContent('#rebuttals .rebuttal-status')).toBe('Bản nháp, chờ duyệt');
    const letter = await downloaded(press, () => press.locator('button.download-letter').first().click());
    expect(letter.name).toBe(`de-nghi-cai-chinh-${caseId}.docx`);
    expect(letter.head).toBe('PK');
    await press.screenshot({ path: join(SHOTS, 'press-office-case.png'), fullPage: true });

    const supervisor = await login('giamsat');
    await page(supervisor, `#/cases/${caseId}`);
    await supervisor.click('#approve-rebuttal');
    await expect.poll(() => supervisor.textContent('#rebuttals .rebuttal-status')).toBe('Đã duyệt, chờ đăng');

    await page(press, `#/cases/${caseId}`);
    await press.fill('#publish-url', 'https://gialai.gov.vn/tin-tuc/xong-hoi-khong-chua-duoc-covid');
    await press.click('#publish-form button[type=submit]');
    await expect.poll(() => press.textContent('#rebuttals .rebuttal-status')).toBe('Đã đăng');
    expect(await press.textContent('#timeline')).toContain('baochi');
    for (const p of [press, supervisor]) {
      expect((p as Page & { errors?: string[] }).errors).toEqual([]);
      await p.close();
    }
  });

  it('police liaison: acknowledges an approved escalation, downloads the evidence bundle and reports the outcome', async () => {
    const analyst = await new ApiClient(app.url).login('phantich');
    const caseId = (await analyst.call('GET', '/api/cases?q=nuoc muoi')).body.items[0].id as string;
    const step = async (client: ApiClient, path: string, body?: unknown) => {
      const version = (await client.call('GET', `/api/cases/${caseId}`)).body.case.version as number;
      const r = await client.call('POST', path, body, { 'if-match': `"${version}"` });
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
      return r.body;
    };
    await step(analyst, `/api/cases/${caseId}/assign`, { assignee: 'phantich' });
    await step(analyst, `/api/cases/${caseId}/verdict`, { verdict: 'false', note: 'Bộ Y tế đã bác bỏ.', sources: [] });
    const escalated = await step(analyst, `/api/cases/${caseId}/escalations`, {
      unit: 'Phòng An ninh mạng – Công an tỉnh',
      summary: 'Bài đăng có mã độc và tin sai về nước muối.',
    });
    const escalationId = escalated.escalations[0].id as string;
    await step(await new ApiClient(app.url).login('giamsat'), `/api/escalations/${escalationId}/approve`);

    const police = await login('congan');
    await expect.poll(() => police.textContent('#case-total')).toBe('1 vụ việc');
    await police.screenshot({ path: join(SHOTS, 'police-inbox.png'), fullPage: true });
    await police.locator('tr.case-row').first().click();
    await police.waitForSelector('#acknowledge-escalation');
    await police.click('#acknowledge-escalation');
    await police.waitForSelector('#outcome-form');
    const bundle = await downloaded(police, () => police.click('#download-bundle'));
    expect(bundle.name).toBe(`ho-so-${caseId}.zip`);
    expect(bundle.head).toBe('PK');
    await police.selectOption('#outcome-kind', 'administrative_fine');
    // A fine needs its amount and legal basis (the API refuses it too); the form says so first.
    await police.fill('#outcome-amount', '7.500.000');
    await police.click('#outcome-form button[type=submit]');
    await expect
      .poll(() => police.textContent('#toast'))
      .toBe('Xử phạt hành chính cần số tiền phạt và căn cứ pháp lý.');
    await police.fill('#outcome-basis', 'Điểm a khoản 1 Điều 101 Nghị định 15/2020/NĐ-CP');
    await police.screenshot({ path: join(SHOTS, 'police-outcome.png'), fullPage: true });
    await police.click('#outcome-form button[type=submit]');
    await expect.poll(() => police.textContent('.badge')).toBe('Đã đóng');
    expect(await police.textContent('.escalation .outcome')).toBe(
      'Kết quả: Xử phạt vi phạm hành chính — 7.500.000 đồng — Điểm a khoản 1 Điều 101 Nghị định 15/2020/NĐ-CP',
    );
    expect((police as Page & { errors?: string[] }).errors).toEqual([]);
    await police.close();
  });

  it('supervisor: sees approvals waiting and workload, assigns new cases in bulk; the press office sees its desk', async () => {
    await publish([
      webPost(
        'kon-tum',
        'Nghe nói từ 0h thứ hai tuần sau chợ Kon Tum đóng cửa hết, cấm họp chợ, ai cần gạo mì thì mua gấp đi, share cho người thân',
      ),
      webPost(
        'giau-ca',
        'Người nhà em làm ở bệnh viện huyện kể có 15 ca F0 mà bệnh viện không báo lên, đang giấu hết, mọi người cẩn thận',
      ),
    ]);
    const analyst = await new ApiClient(app.url).login('phantich');
    await waitFor('two new cases', async () => (await analyst.call('GET', '/api/cases?status=new')).body.total === 2);

    const supervisor = await login('giamsat');
    await supervisor.click('#nav-supervisor');
    await supervisor.waitForSelector('#unassigned-table');
    expect(await supervisor.textContent('h1')).toBe('Điều phối');
    expect(await supervisor.locator('#unassigned-table tr.case-row').count()).toBe(2);
    expect(await supervisor.textContent('#awaiting-escalation .count')).toBe('(0)');
    const before = Number(await supervisor.locator('#workload tr[data-user="phantich"] td').nth(1).textContent());
    await supervisor.locator('#unassigned-table input.pick').nth(0).check();
    await supervisor.locator('#unassigned-table input.pick').nth(1).check();
    await supervisor.selectOption('#bulk-assignee', 'phantich');
    await supervisor.click('#bulk-assign button[type=submit]');
    await expect.poll(() => supervisor.textContent('#toast')).toBe('Đã phân công 2 vụ việc cho phantich.');
    await expect.poll(() => supervisor.locator('#unassigned-table tr.case-row').count()).toBe(0);
    expect(Number(await supervisor.locator('#workload tr[data-user="phantich"] td').nth(1).textContent())).toBe(
      before + 2,
    );

    // Neither post repeats a known claim: each opened a case of its own.
    // The analyst concludes one and asks for an escalation: it waits for the supervisor.
    const caseId = (await analyst.call('GET', '/api/cases?q=kon tum&status=in_review')).body.items[0].id as string;
    for (const [path, body] of [
      [`/api/cases/${caseId}/verdict`, { verdict: 'false', note: 'UBND tỉnh bác bỏ.', sources: [] }],
      [
        `/api/cases/${caseId}/escalations`,
        { unit: 'Phòng An ninh mạng – Công an tỉnh', summary: 'Lệnh phong tỏa giả.' },
      ],
    ] as const) {
      const version = (await analyst.call('GET', `/api/cases/${caseId}`)).body.case.version as number;
      expect((await analyst.call('POST', path, body, { 'if-match': `"${version}"` })).status).toBeLessThan(300);
    }
    await supervisor.reload();
    await supervisor.waitForSelector('#awaiting-escalation-table');
    expect(await supervisor.locator('#awaiting-escalation-table tr.case-row').count()).toBe(1);
    await supervisor.screenshot({ path: join(SHOTS, 'supervisor-desk.png'), fullPage: true });
    await supervisor.locator('#awaiting-escalation-table tr.case-row').click();
    await supervisor.waitForSelector('#approve-escalation');
    await supervisor.click('#approve-escalation');
    await expect.poll(() => supervisor.textContent('.badge')).toBe('Đã chuyển công an');

    // The other case is concluded false too: it is the press office's to rebut.
    const other = (await analyst.call('GET', '/api/cases?q=benh vien huyen&status=in_review')).body.items[0]
      .id as string;
    const version = (await analyst.call('GET', `/api/cases/${other}`)).body.case.version as number;
    const verdict = { verdict: 'false', note: 'Sở Y tế xác nhận không có ca bệnh.', sources: [] };
    expect(
      (await analyst.call('POST', `/api/cases/${other}/verdict`, verdict, { 'if-match': `"${version}"` })).status,
    ).toBe(200);
    const press = await login('baochi');
    await press.click('#nav-press');
    await press.waitForSelector('#to-draft-table');
    expect(await press.textContent('h1')).toBe('Báo chí, phản bác');
    const drafts = await press
      .locator('#to-draft-table tr.case-row')
      .evaluateAll((r) => r.map((x) => (x as HTMLElement).dataset.caseId));
    expect(drafts).toEqual([other]);
    expect(await press.textContent('#awaiting-publication .count')).toBe('(0)');
    await press.screenshot({ path: join(SHOTS, 'press-desk.png'), fullPage: true });
    for (const p of [supervisor, press]) {
      expect((p as Page & { errors?: string[] }).errors).toEqual([]);
      await p.close();
    }
  }, 90_000);

  it('analyst: sees similar posts of a claim, links the poster and opens the poster page with its cases', async () => {
    await publish([
      webPost(
        'bac-bo-nuoc-muoi',
        'Bộ Y tế khẳng định: uống nước muối ấm không diệt được virus corona, thông tin trên mạng là sai sự thật.',
      ),
    ]);
    const analyst = await new ApiClient(app.url).login('phantich');
    await waitFor(
      'the debunk to be indexed',
      async () => (await analyst.call('GET', '/api/posts?q=bo y te khang dinh nuoc muoi')).body.total === 1,
    );
    const cure = (await analyst.call('GET', '/api/cases?q=nuoc muoi')).body.items[0].id as string;
    const page = await login('phantich');
    await page.goto(`${app.url}/#/cases/${cure}`);
    await page.waitForSelector('#similar-posts');
    expect(await page.textContent('#similar-posts')).toContain('“diet duoc virus”');
    const debunk = page.locator('#similar-posts li', { hasText: 'Bộ Y tế khẳng định' });
    expect(await debunk.count()).toBe(1);
    expect(await debunk.textContent()).toContain('Không gắn cờ');

    const hidden = (await analyst.call('GET', '/api/cases?q=benh vien huyen')).body.items[0].id as string;
    await page.goto(`${app.url}/#/cases/${hidden}`);
    await page.waitForSelector('#poster-form');
    await page.fill('#poster-platform', 'facebook');
    await page.fill('#poster-handle', 'tin.noi.bo.kt');
    await page.fill('#poster-url', 'https://facebook.com/tin.noi.bo.kt');
    await page.fill('#poster-name', 'Tin nội bộ Kon Tum');
    await page.click('#poster-form button[type=submit]');
    await page.waitForSelector('#poster-link');
    await page.click('#poster-link');
    await page.waitForSelector('#poster-cases');
    expect(await page.textContent('#poster-title')).toBe('Tin nội bộ Kon Tum');
    expect(
      await page
        .locator('#poster-cases tr.case-row')
        .evaluateAll((r) => r.map((x) => (x as HTMLElement).dataset.caseId)),
    ).toEqual([hidden]);
    await page.screenshot({ path: join(SHOTS, 'poster.png'), fullPage: true });
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  /** Opens a console route in a logged-in page and waits for it to render. */
  async function page(p: Page, hash: string): Promise<void> {
    // Going to the URL the page is already on changes nothing: reload it instead.
    if (p.url() === `${app.url}/${hash}`) await p.reload();
    else await p.goto(`${app.url}/${hash}`);
    await p.waitForSelector('#case-title');
  }
});
