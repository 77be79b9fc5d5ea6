import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type AppProcess, startApp, tempDataDir, waitFor, waitForCrawl } from '../helpers/app-process.js';

/**
 * The evidence directory sits on its own 2 MB tmpfs, filled to the last byte: a real full disk.
 * Mounting needs root (CI runs as root); elsewhere the test says so instead of passing quietly.
 */
function mountSmallDisk(dir: string): { fill: () => void; free: () => void; unmount: () => void } {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`the disk-full test mounts a small tmpfs and needs root: ${(err as Error).message}`);
  }
  const filler = join(dir, 'filler');
  return {
    fill: () => {
      const chunk = Buffer.alloc(64 * 1024, 1);
      // Whole chunks, then single bytes, until the file system refuses.
      for (const size of [chunk.length, 1]) {
        for (;;) {
          try {
            writeFileSync(filler, chunk.subarray(0, size), { flag: 'a' });
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw err;
          }
        }
      }
    },
    free: () => rmSync(filler, { force: true }),
    unmount: () => execFileSync('umount', ['-l', dir]),
  };
}

function evidenceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...readdirSync(p).map((n) => `${name}/${n}`));
    else if (name !== 'filler') out.push(name);
  }
  return out;
}

/** A page nobody has captured yet, on loopback (the demo lets tips reach loopback). */
async function startSite(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<!doctype html><html lang="vi"><head><title>Mẹo chữa Covid tại nhà</title></head><body><article>' +
        '<h1>Mẹo chữa Covid tại nhà</h1><p>Tin nội bộ: uống nước lá tía tô mỗi sáng chữa khỏi Covid-19 chỉ ' +
        'sau 3 ngày, không cần đi viện, không cần thuốc. Share gấp cho cả nhà!</p></article></body></html>',
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('evidence disk full', () => {
  let app: AppProcess | null = null;
  let site: Awaited<ReturnType<typeof startSite>>;
  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(async () => site?.close());
  let disk: ReturnType<typeof mountSmallDisk> | null = null;
  afterEach(async () => {
    await app?.kill();
    app = null;
    disk?.unmount();
    disk = null;
  });

  it('says why, keeps nothing half-written, and captures everything once space is back', {
    timeout: 300_000,
  }, async () => {
    const dataDir = tempDataDir('kc-fault-disk-');
    const evidenceDir = join(dataDir, 'evidence');
    disk = mountSmallDisk(evidenceDir);
    disk.fill();

    // 1. A crawl on a full disk: every page needs its HTML kept as evidence, so none is taken
    //    in; the log says why; no temporary file is left behind.
    app = await startApp({ dataDir, env: { KC_LOG_LEVEL: 'warn' } });
    let api = await new ApiClient(app.url).login('phantich');
    const round = await waitForCrawl(api);
    expect(round).toMatchObject({ pipeline: { lag: 0 } });
    expect((await api.call('GET', '/api/system/status')).body.posts).toBe(0);
    expect(app.output()).toMatch(/could not store evidence [0-9a-f]{64} in \S+: the disk is full/);
    expect(evidenceFiles(evidenceDir)).toEqual([]);
    expect(await app.stop()).toBe(0);

    // 2. Space is back: the next crawl takes in every page once (a page counts as crawled only
    //    once its post is on the bus, so the failed pages are fetched again).
    disk.free();
    app = await startApp({ dataDir });
    api = await new ApiClient(app.url).login('phantich');
    await waitForCrawl(api);
    const cases = (await api.call('GET', '/api/cases?limit=50')).body.items as { id: string; postCount: number }[];
    expect((await api.call('GET', '/api/system/status')).body.posts).toBe(12);
    expect(cases.map((c) => c.postCount).sort()).toEqual([1, 2, 2]);
    expect(cases.length).toBe(3);

    // 3. The disk fills up again while the app runs, and a citizen sends a tip about a page not
    //    seen before: its capture fails with the reason and is retried until there is room;
    //    then the page is taken in once and joins a case once.
    disk.fill();
    const tipped = await api.call('POST', '/api/tips', { url: `${site.url}/bai-moi`, note: 'bài đáng ngờ' });
    expect(tipped.status).toBe(202);
    await waitFor(
      'the failed tip capture to be logged',
      async () => /tip batch failed; it will be retried/.test(app!.output()),
      120_000,
    );
    expect(app.output()).toMatch(/could not store evidence [0-9a-f]{64} in \S+: the disk is full/);
    expect((await api.call('GET', '/api/system/status')).body.posts).toBe(12);
    disk.free();
    await waitFor(
      'the retried capture',
      async () => (await api.call('GET', '/api/system/status')).body.posts === 13,
      120_000,
    );
    await waitForCrawl(api);
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await api.call('GET', '/api/system/status')).body.posts).toBe(13);
    const found = await api.call('GET', `/api/posts?q=${encodeURIComponent('lá tía tô')}&limit=10`);
    expect(found.body.total).toBe(1);
    expect(found.body.items[0].classification.flagged).toBe(true);
    const after = (await api.call('GET', '/api/cases?limit=50')).body.items as { postCount: number }[];
    expect(after.reduce((n, c) => n + c.postCount, 0)).toBe(6);
    expect(evidenceFiles(evidenceDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await app.stop()).toBe(0);
    app = null;
  });
});
