import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '@kc/crawlers';
import { type Post, postId, SqliteBus, TOPICS } from '@kc/pipeline';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  type AppProcess,
  DEMO_PASSWORD,
  REPO_ROOT,
  startApp,
  tempDataDir,
  waitFor,
  waitForCrawl,
} from '../helpers/app-process.js';

const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');

/** The console in a real browser (Debian's Chromium through playwright-core). */
describe('console in Chromium', () => {
  let app: AppProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startApp({ dataDir: tempDataDir() });
    await waitForCrawl(await new ApiClient(app.url).login('phantich'));
    browser = await chromium.launch({
      executablePath: process.env.KC_CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function login(username: string): Promise<Page> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    (page as Page & { errors?: string[] }).errors = errors;
    await page.goto(app.url);
    await page.fill('#username', username);
    await page.fill('#password', DEMO_PASSWORD);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#case-table');
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
    const url = 'https://tin.example.vn/bai/xss';
    const text =
      'Nghe nói uống nước muối ấm diệt được virus corona trong cổ họng, share gấp! ' +
      '<img src=x onerror="window.__pwned=1;alert(1)"> <script>window.__pwned=2;alert(2)</script>';
    const post: Post = {
      id: postId('web', { url }),
      platform: 'web',
      sourceId: 'test',
      url,
      platformPostId: null,
      title: '<b onmouseover="alert(3)">Tin nóng</b>',
      text,
      author: { name: '<svg onload=alert(4)>', handle: 'x', profileUrl: null },
      publishedAt: null,
      fetchedAt: new Date().toISOString(),
      region: null,
      metrics: null,
      evidence: [],
      tags: [],
      tipNote: null,
    };
    // Into the running app's own bus, as a crawler would publish it.
    const bus = SqliteBus.create({ file: join(app.dataDir, 'bus.sqlite') });
    await bus.publish(TOPICS.postsRaw, [{ key: post.id, value: JSON.stringify(post) }]);
    await bus.close();
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
});
