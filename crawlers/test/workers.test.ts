import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recrawlOutcome } from '../src/index.js';
import { type FixtureWeb, startFixtureWeb } from './fixture-web.js';

describe('re-crawl check', () => {
  let web: FixtureWeb;
  beforeAll(async () => {
    web = await startFixtureWeb();
  });
  afterAll(async () => web?.close());

  it('tells unchanged, changed, taken down and unreachable apart', async () => {
    const ok = `${web.url}/a/ok`;
    expect((await recrawlOutcome(ok, 'Bài viết bình thường về giá cà phê.', 'loopback')).outcome).toBe('unchanged');
    expect((await recrawlOutcome(ok, 'Uống nước chanh diệt virus corona.', 'loopback')).outcome).toBe('changed');
    expect(await recrawlOutcome(`${web.url}/a/gone`, 'x', 'loopback')).toMatchObject({
      outcome: 'taken_down',
      status: 404,
    });
    expect((await recrawlOutcome(`${web.url}/a/hang`, 'x', 'loopback', 500)).outcome).toBe('unreachable');
    // The SSRF guard applies to re-crawls too.
    expect((await recrawlOutcome('http://169.254.169.254/', 'x', false)).outcome).toBe('unreachable');
  });
});
