import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  type AppProcess,
  scaleOutEnv,
  startApp,
  tempDataDir,
  waitForCrawl,
} from '../helpers/app-process.js';

/**
 * The same process with the bus on a real Kafka broker, and the post index and the case store
 * on a real Elasticsearch node: the same cases, and no loss or duplicate after kill -9 and a
 * restart.
 */
describe('scale-out: the demo through Kafka and Elasticsearch', () => {
  let app: AppProcess | null = null;
  afterEach(async () => {
    await app?.stop();
    app = null;
  });

  it('opens the same three cases, and kill -9 plus restart loses and duplicates nothing', async () => {
    const env = scaleOutEnv('e2e');
    const dataDir = tempDataDir();
    app = await startApp({ dataDir, env });
    let api = await new ApiClient(app.url).login('phantich');
    await waitForCrawl(api);
    const snapshot = async (a: ApiClient) => {
      const list = await a.call('GET', '/api/cases?limit=200');
      const status = await a.call('GET', '/api/system/status');
      return {
        posts: status.body.posts as number,
        cases: list.body.items
          .map((c: { claimKey: string; postCount: number }) => `${c.claimKey}:${c.postCount}`)
          .sort(),
      };
    };
    const before = await snapshot(api);
    expect(before).toEqual({
      posts: 12,
      cases: ['known:kc-2020-0001:2', 'known:kc-2021-0003:2', 'known:kc-2021-0004:1'],
    });
    await app.kill();
    app = await startApp({ dataDir, env });
    api = await new ApiClient(app.url).login('phantich');
    await waitForCrawl(api);
    expect(await snapshot(api)).toEqual(before);
    const found = await api.call('GET', '/api/cases?q=xong hoi');
    expect(found.body.total).toBe(1);
    const view = await api.call('GET', `/api/cases/${found.body.items[0].id}`);
    expect(view.body.posts.map((p: { post: { platform: string } }) => p.post.platform).sort()).toEqual([
      'facebook',
      'web',
    ]);
  }, 240_000);
});
