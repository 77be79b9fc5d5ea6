import { join } from 'node:path';
import { LOGIN_LOCKOUT } from '@kc/pipeline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  type AppProcess,
  DEMO_PASSWORD,
  startApp,
  tempDataDir,
  waitForCrawl,
} from '../helpers/app-process.js';

/**
 * The running product over real HTTP (the embedded app with its demo data): passwords at rest,
 * login lockout and rate limits, session expiry, the SSRF guard on citizen tips, and search
 * strings that try SQL, FTS5 and Elasticsearch query syntax. KC_TRUST_PROXY lets each test
 * speak from its own client address through X-Forwarded-For, as it would behind the proxy.
 */
describe('security of the running app', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({ dataDir: tempDataDir('kc-sec-'), env: { KC_TRUST_PROXY: '127.0.0.1' } });
    await waitForCrawl(await new ApiClient(app.url).login('phantich'));
  }, 120_000);
  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
  });

  const client = (ip: string) => {
    const api = new ApiClient(app.url);
    const call = api.call.bind(api);
    api.call = (method, path, body, headers = {}) => call(method, path, body, { 'x-forwarded-for': ip, ...headers });
    return api;
  };
  const login = (api: ApiClient, username: string, password: string) =>
    api.call('POST', '/api/auth/login', { username, password });

  it('keeps only scrypt hashes of passwords, never the passwords', () => {
    const db = new Database(join(app.dataDir, 'cases.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT username, password_hash FROM users').all() as {
        username: string;
        password_hash: string;
      }[];
      expect(rows.length).toBeGreaterThanOrEqual(6);
      for (const r of rows) {
        expect(r.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
        expect(r.password_hash).not.toContain(DEMO_PASSWORD);
      }
      // Salted: the same password gives different hashes.
      expect(new Set(rows.map((r) => r.password_hash)).size).toBe(rows.length);
      const sessions = db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[];
      for (const s of sessions) expect(s.token_hash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      db.close();
    }
  });

  it('locks a username after repeated failed logins, the right password included, without naming accounts', async () => {
    const api = client('203.0.113.10');
    for (let i = 1; i < LOGIN_LOCKOUT.failures; i++) {
      const r = await login(api, 'phantich2', 'doan-mo');
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('CASE_ERR_BAD_CREDENTIALS');
    }
    const locked = await login(api, 'phantich2', 'doan-mo');
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('CASE_ERR_ACCOUNT_LOCKED');
    expect(locked.body.message).toMatch(
      /^Tài khoản tạm bị khóa vì đăng nhập sai nhiều lần; hãy thử lại sau 15 phút\.$/,
    );
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(LOGIN_LOCKOUT.minutes * 60 - 5);
    // The right password does not open a locked account, from any address.
    expect((await login(client('203.0.113.11'), 'phantich2', DEMO_PASSWORD)).body.code).toBe('CASE_ERR_ACCOUNT_LOCKED');
    // Other accounts go on working.
    expect((await login(api, 'giamsat', DEMO_PASSWORD)).status).toBe(200);
    // A name that does not exist answers exactly the same way.
    const answers: string[] = [];
    for (let i = 0; i < LOGIN_LOCKOUT.failures; i++) {
      answers.push((await login(client('203.0.113.12'), 'khong-ton-tai', 'doan-mo')).body.code);
    }
    expect(answers).toEqual([
      ...Array(LOGIN_LOCKOUT.failures - 1).fill('CASE_ERR_BAD_CREDENTIALS'),
      'CASE_ERR_ACCOUNT_LOCKED',
    ]);
  });

  it('limits failed login attempts per client address, across usernames; successful ones do not count', async () => {
    const api = client('198.51.100.7');
    // A whole office behind one address signs in at eight.
    for (let i = 0; i < 25; i++) expect((await login(api, 'phantich', DEMO_PASSWORD)).status).toBe(200);
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) codes.push((await login(api, `ten-doan-${i}`, 'doan-mo')).status);
    expect(codes.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(codes[20]).toBe(429);
    const r = await login(api, 'phantich', DEMO_PASSWORD);
    expect(r.status).toBe(429);
    expect(r.body.code).toBe('CASE_ERR_RATE_LIMITED');
    expect(r.body.message).toMatch(/^Quá nhiều lần đăng nhập sai từ địa chỉ này; hãy thử lại sau \d+ giây\.$/);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await login(client('198.51.100.8'), 'phantich', DEMO_PASSWORD)).status).toBe(200);
  });

  it('refuses tips that point into private networks or at cloud metadata, however the address is written', async () => {
    const hostile = [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://10.0.0.1/',
      'http://192.168.1.1/admin',
      'http://172.16.0.1/',
      'http://100.64.0.1/',
      'http://0.0.0.0:9200/',
      'http://[::ffff:10.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://167772161/', // 10.0.0.1 as one decimal number
      'http://0x0a000001/', // and in hexadecimal
      'http://012.0.0.1/', // and with an octal first part
      'http://[fe80::1]/',
      'http://[fc00::1]/',
    ];
    for (const [i, url] of hostile.entries()) {
      const r = await client(`192.0.2.${i + 1}`).call('POST', '/api/tips', { url, note: 'thử' });
      expect(r.status, url).toBe(400);
      expect(r.body.code, url).toBe('CASE_ERR_VALIDATION');
      expect(r.body.fields?.[0]?.message, url).toMatch(/private|metadata|address/i);
    }
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:9200/', 'ftp://example.vn/x']) {
      const r = await client('192.0.2.200').call('POST', '/api/tips', { url, note: '' });
      expect(r.status, url).toBe(400);
    }
  });

  it('treats SQL, FTS5 and query-string syntax in searches as plain words', async () => {
    const api = await client('192.0.2.250').login('phantich');
    const all = (await api.call('GET', '/api/posts?limit=100')).body.total as number;
    expect(all).toBe(12);
    const hostile = [
      "' OR '1'='1",
      "'; DROP TABLE posts; --",
      '" OR 1=1 --',
      '*',
      '*:*',
      'folded:*',
      'text:phong OR text:*',
      'NEAR(phong toa)',
      'phong AND NOT toa',
      '{"match_all":{}}',
      '/.*/',
      'phong~10',
      '\\',
      ')(',
      '%',
      '_',
    ];
    for (const q of hostile) {
      for (const path of ['/api/posts', '/api/cases']) {
        const r = await api.call('GET', `${path}?q=${encodeURIComponent(q)}&limit=100`);
        expect(r.status, `${path} q=${q}`).toBe(200);
        // Syntax never widens a search to everything.
        expect(r.body.total, `${path} q=${q}`).toBeLessThan(path === '/api/posts' ? all : 3);
      }
    }
    // The tables are still there.
    expect((await api.call('GET', '/api/posts?limit=1')).body.total).toBe(all);
  });
});

describe('sessions', () => {
  it('expire after KC_SESSION_TTL_HOURS, and logout ends them at once', async () => {
    const app = await startApp({ dataDir: tempDataDir('kc-sec-ttl-'), env: { KC_SESSION_TTL_HOURS: '0.001' } });
    try {
      const a = await new ApiClient(app.url).login('phantich');
      const b = await new ApiClient(app.url).login('giamsat');
      expect((await a.call('GET', '/api/me')).status).toBe(200);
      expect((await b.call('POST', '/api/auth/logout')).status).toBe(204);
      expect((await b.call('GET', '/api/me')).status).toBe(401);
      await new Promise((r) => setTimeout(r, 4_000)); // 0.001 h = 3.6 s
      const expired = await a.call('GET', '/api/me');
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('CASE_ERR_UNAUTHENTICATED');
    } finally {
      expect(await app.stop()).toBe(0);
    }
  }, 90_000);
});
