import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp, tempDataDir } from '../helpers/app-process.js';
import { launchChromium, signIn } from '../helpers/browser.js';

/** Sessions in the console: they expire, and logging out ends them on the server too. */
describe('console sessions', () => {
  let app: AppProcess;
  let browser: Browser;

  beforeAll(async () => {
    // Sessions of about four seconds, so that one expires within the test.
    app = await startApp({ dataDir: tempDataDir(), env: { KC_SESSION_TTL_HOURS: '0.0011' } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function login() {
    const page = await browser.newPage();
    await page.goto(app.url);
    await signIn(page, 'phantich');
    return page;
  }

  it('sends the user back to the login form once the session has expired', async () => {
    const page = await login();
    const expiresAt = Date.now() + 0.0011 * 3_600_000;
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 500));
    await page.click('#nav-stats');
    await page.waitForSelector('#login-form');
    expect(await page.textContent('#toast')).toBe('Phiên đăng nhập đã hết hạn, hãy đăng nhập lại.');
    expect(await page.evaluate(() => sessionStorage.getItem('kc.token'))).toBeNull();
    await page.close();
  });

  it('logs out: the token no longer opens anything, and the console shows the login form', async () => {
    const page = await login();
    const token = await page.evaluate(() => sessionStorage.getItem('kc.token'));
    expect(token).toBeTruthy();
    const status = (t: string | null) =>
      page.evaluate(async (t) => (await fetch('/api/me', { headers: { authorization: `Bearer ${t}` } })).status, t);
    expect(await status(token)).toBe(200);
    await page.click('#logout');
    await page.waitForSelector('#login-form');
    expect(await status(token)).toBe(401);
    await page.close();
  });
});
