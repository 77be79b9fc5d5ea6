import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type AppProcess, startApp, tempDataDir, waitForCrawl } from '../helpers/app-process.js';
import { launchChromium, SHOTS, signIn } from '../helpers/browser.js';

/** Letters of Vietnamese beyond ASCII: none of our own text may show them once in English. */
const VIETNAMESE = /[\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]|[\u0300-\u036F]/u;
/** en-GB date and time, as fmtTime writes it in English: 02/12/2026, 13:19:50. */
const EN_TIME = /^\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}:\d{2}/;

/** The console switched to English and back, in Debian's Chromium (the console in Vietnamese is console.test.ts). */
describe('console in English', () => {
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

  /** A new page (its own browser context, so its own localStorage) on the sign-in form, collecting errors. */
  async function open(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(app.url);
    await page.waitForSelector('#login-form');
    return { page, errors };
  }

  const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();
  const visibleText = (page: Page, selector: string) => page.locator(selector).innerText();

  it('analyst: switches to English; queue, case and statistics read in English; the choice survives a reload; switches back', async () => {
    const { page, errors } = await open();
    await signIn(page, 'phantich');
    expect(await page.textContent('h1')).toBe('Hàng đợi xác minh');
    expect(await page.textContent('#lang-switch')).toBe('English');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');

    await page.click('#lang-switch');
    await expect.poll(() => page.textContent('h1')).toBe('Verification queue');
    expect(await page.textContent('#lang-switch')).toBe('Tiếng Việt');
    expect(await page.getAttribute('#lang-switch', 'lang')).toBe('vi');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.title()).toBe('Kiểm Chứng — Inspectorate of the Department of Information and Communications');
    expect(await page.textContent('.topbar .subtitle')).toBe('Monitoring and handling Covid-19 misinformation');
    expect(await page.textContent('#logout')).toBe('Sign out');
    expect(await page.textContent('#whoami')).toMatch(/ · Inspection officer$/);
    expect(await texts(page, '#nav a')).toEqual(['Queue', 'Statistics', 'Weekly report']);
    expect(await page.textContent('#nav')).toBe('QueueStatisticsWeekly report');
    expect(await texts(page, '#case-table thead th')).toEqual([
      '',
      'Content',
      'Status',
      'Claim type',
      'Posts',
      'Priority',
      'Assignee',
      'Updated',
    ]);
    expect(await texts(page, '#case-table .badge:not(.overdue)')).toEqual([
      'Newly detected',
      'Newly detected',
      'Newly detected',
    ]);
    expect(await page.textContent('#case-total')).toBe('3 cases');
    expect(await page.getAttribute('#filter-q', 'placeholder')).toBe('Search the content (with or without diacritics)');
    expect(await page.getAttribute('#case-table input.pick >> nth=0', 'aria-label')).toMatch(/^Select case /);
    // Every label, option and button of the filters is ours: none of it may stay Vietnamese.
    expect(await visibleText(page, '#filters')).not.toMatch(VIETNAMESE);
    expect(await page.locator('#filter-kind option').allTextContents()).toContain('False cure');
    expect((await texts(page, '#case-table td.muted')).every((x) => EN_TIME.test(x))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'queue-english.png'), fullPage: true });

    await page.fill('#filter-q', 'xong hoi');
    await page.click('#filters button[type=submit]');
    await expect.poll(() => page.textContent('#case-total')).toBe('1 case');
    await page.locator('tr.case-row').first().click();
    await page.waitForSelector('#case-title');
    // The post and the case's title are data: they stay as they came.
    expect(await page.textContent('#case-title')).toContain('xông hơi');
    expect(await texts(page, '.grid h2')).toEqual(
      expect.arrayContaining(['Timeline', 'Case details', 'Poster', 'Take on verification']),
    );
    expect(await page.textContent('article.post h2:has-text("Why the system flagged it")')).toMatch(
      /^Why the system flagged it \(score \d\.\d{2}\)$/,
    );
    expect(await page.textContent('#assign-form button[type=submit]')).toBe('I will take this case');
    expect(await page.textContent('.badge')).toBe('Newly detected');

    await page.click('#assign-form button[type=submit]');
    await page.waitForSelector('#verdict-form');
    await expect.poll(() => page.textContent('#toast')).toBe('Saved.');
    expect(await page.textContent('.badge')).toBe('Under verification');
    expect(await page.textContent('#verdict-form h2')).toBe('Verification verdict');
    expect(await texts(page, '#verdict-form label')).toEqual([
      'Verdict',
      'Note',
      'Official sources (one link per line)',
    ]);
    expect(await texts(page, '#verdict option')).toEqual(['False', 'Misleading', 'True', 'Not about Covid']);
    expect(await page.textContent('#verdict-form button[type=submit]')).toBe('Save verdict');
    expect(await visibleText(page, '#verdict-form')).not.toMatch(VIETNAMESE);
    const timeline = await texts(page, '#timeline li');
    expect(timeline.every((x) => EN_TIME.test(x))).toBe(true);
    expect(timeline.join('\n')).toContain('Verification assignment — phantich');
    await page.screenshot({ path: join(SHOTS, 'case-english.png'), fullPage: true });

    await page.selectOption('#verdict', 'false');
    await page.fill('#verdict-note', 'Bộ Y tế đã bác bỏ.');
    await page.click('#verdict-form button[type=submit]');
    await expect.poll(() => page.textContent('.badge')).toBe('False');
    expect(await page.textContent('#timeline')).toContain('Verification verdict — phantich');
    // The verdict's note is data; the words around it are ours.
    expect(await page.textContent('.grid .card:has(h2:text-is("Case details"))')).toContain(
      'Verdict: False (phantich) — Bộ Y tế đã bác bỏ.',
    );

    await page.click('#nav-stats');
    await page.waitForSelector('#chart-days svg');
    expect(await page.textContent('h1')).toBe('Statistics');
    expect(await page.textContent('#stats-scope')).toMatch(
      /^From \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} · Whole province$/,
    );
    expect(await page.textContent('#stat-monitored .muted')).toBe('Posts monitored');
    expect(await page.textContent('#stat-verdict-median .muted')).toBe('Time to verdict (median, 1 case)');
    expect(await page.textContent('#stat-verdict-median .figure-value')).toMatch(/^[\d.]+ (minutes?|hours?)$/);
    expect(await texts(page, 'figure.chart figcaption')).toEqual([
      'Posts flagged by day',
      'Posts flagged by claim type',
      'Posts flagged by platform',
      'Posts flagged by area',
      'Cases by outcome',
    ]);
    const kinds = await page
      .locator('#chart-kinds rect.bar')
      .evaluateAll((r) => r.map((x) => x.getAttribute('data-label')));
    expect(kinds).toContain('False cure');
    expect(await visibleText(page, '#stats-form')).not.toMatch(VIETNAMESE);
    await page.screenshot({ path: join(SHOTS, 'statistics-english.png'), fullPage: true });

    // The choice is the browser's: a reload keeps English (and the session keeps the sign-in).
    await page.reload();
    await page.waitForSelector('#chart-days svg');
    expect(await page.textContent('h1')).toBe('Statistics');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('#lang-switch')).toBe('Tiếng Việt');
    expect(await page.evaluate(() => localStorage.getItem('kc.lang'))).toBe('en');

    await page.click('#nav a[href="#/"]');
    await expect.poll(() => page.textContent('h1')).toBe('Verification queue');
    await page.click('#lang-switch');
    await expect.poll(() => page.textContent('h1')).toBe('Hàng đợi xác minh');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    expect(await page.textContent('#lang-switch')).toBe('English');
    expect(await page.textContent('#logout')).toBe('Đăng xuất');
    expect(await page.title()).toBe('Kiểm Chứng — Thanh tra Sở Thông tin và Truyền thông');
    expect(await texts(page, '#nav a')).toEqual(['Hàng đợi', 'Thống kê', 'Báo cáo tuần']);
    expect(await page.textContent('#case-total')).toBe('3 vụ việc');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switches on the sign-in form, before anyone signs in, and stays English after', async () => {
    const { page, errors } = await open();
    expect(await page.textContent('#login-form h1')).toBe('Đăng nhập');
    await page.click('#lang-switch');
    await expect.poll(() => page.textContent('#login-form h1')).toBe('Sign in');
    expect(await texts(page, '#login-form label')).toEqual(['Username', 'Password']);
    expect(await page.isHidden('#logout')).toBe(true);

    await signIn(page, 'giamsat');
    expect(await page.textContent('h1')).toBe('Verification queue');
    expect(await texts(page, '#nav a')).toEqual(['Queue', 'Coordination', 'Press', 'Statistics', 'Weekly report']);
    expect(await page.textContent('#whoami')).toMatch(/ · Inspectorate management$/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
