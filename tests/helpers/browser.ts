/** Debian's Chromium for the browser tests, and what every browser test needs around it. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '@kc/crawlers';
import { type Browser, chromium, type Page } from 'playwright-core';
import { DEMO_PASSWORD, REPO_ROOT } from './app-process.js';

/** Where browser tests save their screenshots for review (created on import). */
export const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

/** Headless Chromium from Debian (KC_CHROMIUM_PATH overrides), with the project's flags. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.KC_CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Signs in on the console's login form (already shown on `page`) with a demo account. */
export async function signIn(page: Page, username: string): Promise<void> {
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#case-table');
}
