import { existsSync } from 'node:fs';
import type { EvidenceRef, EvidenceStore } from '@kc/pipeline';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './context.js';
import { CrawlSetupError } from './errors.js';
import {
  isPrivateAddress,
  type PrivateNetworkPolicy,
  privateAllowed,
  refuseUnsafeUrl,
} from './internal/network-guard.js';

export interface CaptureResult {
  /** HTTP status of the page (0 when it could not be reached). */
  readonly status: number;
  readonly finalUrl: string;
  readonly evidence: readonly EvidenceRef[];
}

/**
 * Captures a page as evidence in a real browser: a full-page PNG screenshot and the rendered
 * HTML, each stored by SHA-256 with the URL and capture time. One browser serves every capture;
 * requests to private addresses the source does not allow are blocked inside the page too.
 */
export class EvidenceCapturer {
  readonly #chromiumPath: string;
  readonly #evidence: EvidenceStore;
  #browser: Promise<Browser> | null = null;

  constructor(options: { chromiumPath: string; evidence: EvidenceStore }) {
    this.#chromiumPath = options.chromiumPath;
    this.#evidence = options.evidence;
  }

  async capture(
    url: string,
    policy: PrivateNetworkPolicy,
    options: { timeoutMs?: number } = {},
  ): Promise<CaptureResult> {
    const refused = await refuseUnsafeUrl(url, policy);
    if (refused) throw new CrawlSetupError(`capture of ${url} refused: ${refused}`);
    const browser = await this.#launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: true });
    try {
      const page = await context.newPage();
      await page.route('**/*', (route) => {
        const u = new URL(route.request().url());
        if (u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return route.abort();
        const host = u.hostname.replace(/^\[|\]$/g, '');
        if (/^[\d.:a-f]+$/i.test(host) && isPrivateAddress(host) && !privateAllowed(host, policy)) return route.abort();
        return route.continue();
      });
      const response = await page
        .goto(url, { waitUntil: 'load', timeout: options.timeoutMs ?? 30_000 })
        .catch(() => null);
      const status = response?.status() ?? 0;
      const capturedAt = new Date().toISOString();
      const finalUrl = page.url();
      const evidence: EvidenceRef[] = [];
      if (status > 0) {
        const html = Buffer.from(await page.content(), 'utf8');
        const h = await this.#evidence.put(html, {
          kind: 'html',
          url: finalUrl,
          capturedAt,
          contentType: 'text/html; charset=utf-8',
        });
        evidence.push({ sha256: h.sha256, kind: 'html', url: finalUrl, capturedAt, bytes: h.bytes });
        const png = await page.screenshot({ fullPage: true, timeout: 20_000 });
        const s = await this.#evidence.put(png, {
          kind: 'screenshot',
          url: finalUrl,
          capturedAt,
          contentType: 'image/png',
        });
        evidence.push({ sha256: s.sha256, kind: 'screenshot', url: finalUrl, capturedAt, bytes: s.bytes });
      }
      return { status, finalUrl, evidence };
    } finally {
      await context.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    const b = this.#browser;
    this.#browser = null;
    if (b) await (await b).close().catch(() => {});
  }

  #launch(): Promise<Browser> {
    if (!existsSync(this.#chromiumPath)) {
      return Promise.reject(
        new CrawlSetupError(
          `Chromium not found at ${this.#chromiumPath}; install it (apt-get install chromium) or set KC_CHROMIUM_PATH`,
        ),
      );
    }
    this.#browser ??= chromium.launch({ executablePath: this.#chromiumPath, headless: true, args: CHROMIUM_ARGS });
    return this.#browser;
  }
}
