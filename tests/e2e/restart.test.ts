import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, type AppProcess, startApp, tempDataDir, waitForCrawl } from '../helpers/app-process.js';

/** Restarting on the same data directory loses nothing and duplicates nothing. */
describe('restart on the same data directory', () => {
  let app: AppProcess | null = null;
  afterEach(async () => {
    await app?.stop();
    app = null;
  });

  async function snapshot(api: ApiClient) {
    const list = await api.call('GET', '/api/cases?limit=200');
    const status = await api.call('GET', '/api/system/status');
    return {
      posts: status.body.posts as number,
      cases: list.body.items
        .map(
          (c: { id: string; status: string; postCount: number; version: number }) =>
            `${c.id}:${c.status}:${c.postCount}:${c.version}`,
        )
        .sort(),
    };
  }

  it('keeps cases and actions across a clean restart, and a re-crawl adds no duplicates', async () => {
    const dataDir = tempDataDir();
    app = await startApp({ dataDir });
    let api = await new ApiClient(app.url).login('phantich');
    await waitForCrawl(api);
    const first = (await api.call('GET', '/api/cases')).body.items[0];
    expect((await api.call('POST', `/api/cases/${first.id}/assign`, { assignee: 'phantich' })).status).toBe(200);
    const before = await snapshot(api);
    expect(before.cases).toHaveLength(3);
    expect(await app.stop()).toBe(0);

    app = await startApp({ dataDir });
    api = await new ApiClient(app.url).login('phantich');
    await waitForCrawl(api); // the second start crawls the same demo web again
    const after = await snapshot(api);
    expect(after).toEqual(before);
    const audit = await api.call('GET', `/api/cases/${first.id}/audit`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('assign');
  }, 120_000);

  it('recovers from kill -9 during the crawl without losing or duplicating posts', async () => {
    const dataDir = tempDataDir();
    app = await startApp({ dataDir });
    await app.kill(); // the crawl has just started: some posts may be on the bus, some not yet
    app = await startApp({ dataDir });
    const api = await new ApiClient(app.url).login('phantich');
    await waitForCrawl(api);
    const s = await snapshot(api);
    expect(s.posts).toBe(12);
    expect(s.cases).toHaveLength(3);
    const list = await api.call('GET', '/api/cases');
    expect(list.body.items.map((c: { postCount: number }) => c.postCount).sort()).toEqual([1, 2, 2]);
  }, 120_000);
});
