import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  type AppProcess,
  DEMO_PASSWORD,
  startApp,
  tempDataDir,
  waitForCrawl,
} from '../helpers/app-process.js';

describe('graceful shutdown and what the logs may hold', () => {
  let app: AppProcess | null = null;
  afterEach(async () => {
    await app?.stop();
    app = null;
  });

  it('SIGTERM in the middle of the crawl exits 0, and the next start loses and doubles nothing', async () => {
    const dataDir = tempDataDir();
    app = await startApp({ dataDir });
    // The first crawl round starts with the process: stop it while pages and posts are in flight.
    expect(await app.stop()).toBe(0);
    app = await startApp({ dataDir });
    const api = await new ApiClient(app.url).login('phantich');
    await waitForCrawl(api);
    const status = await api.call('GET', '/api/system/status');
    expect(status.body.posts).toBe(12);
    const list = await api.call('GET', '/api/cases');
    expect(list.body.items.map((c: { postCount: number }) => c.postCount).sort()).toEqual([1, 2, 2]);
  }, 120_000);

  it('logs requests with their id and posts with theirs, never a password, a token or poster identity', async () => {
    app = await startApp({ dataDir: tempDataDir(), env: { KC_LOG_LEVEL: 'info' } });
    const api = await new ApiClient(app.url).login('phantich');
    await waitForCrawl(api);
    const wrong = await new ApiClient(app.url).call('POST', '/api/auth/login', {
      username: 'phantich',
      password: 'sai-mat-khau-bi-mat',
    });
    expect(wrong.status).toBe(401);
    const caseId = (await api.call('GET', '/api/cases')).body.items[0].id;
    const linked = await api.call('PUT', `/api/cases/${caseId}/poster`, {
      platform: 'facebook',
      handle: 'nguoi.dang.tin',
      profileUrl: 'https://facebook.com/nguoi.dang.tin',
      identity: { realName: 'Nguyễn Văn Bí Mật', phone: '0905 123 456', idNumber: '079123456789' },
    });
    expect(linked.status).toBe(200);
    expect((await api.call('GET', `/api/posters/${linked.body.poster.id}`)).status).toBe(200);
    expect(await app.stop()).toBe(0);
    const logs = app.output();
    app = null;

    // Structured lines: a request id on requests, a post id on the pipeline's records.
    const lines = logs
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => typeof l.reqId === 'string' && l.reqId.length > 0)).toBe(true);
    expect(lines.some((l) => typeof l.postId === 'string' && String(l.postId).startsWith('p_'))).toBe(true);
    // The demo banner names the demo password on purpose; no log line may.
    const logLines = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(logLines).not.toContain(DEMO_PASSWORD);
    for (const secret of ['sai-mat-khau-bi-mat', api.token!, 'Nguyễn Văn Bí Mật', '0905 123 456', '079123456789']) {
      expect(logs, `the output contains ${secret}`).not.toContain(secret);
    }
  }, 120_000);
});
