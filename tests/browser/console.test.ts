import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '@kc/crawlers';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  type AppProcess,
  DEMO_PASSWORD,
  REPO_ROOT,
  startApp,
  tempDataDir,
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
});
