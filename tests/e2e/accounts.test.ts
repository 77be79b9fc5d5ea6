import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  type AppProcess,
  DEMO_PASSWORD,
  REPO_ROOT,
  startApp,
  tempDataDir,
  waitFor,
} from '../helpers/app-process.js';

/** The account lifecycle an administrator runs with `kc users …` beside the running app. */
describe('accounts: disable, enable, unlock and new passwords from the command line', () => {
  let app: AppProcess;
  const dataDir = tempDataDir('kc-accounts-');
  const kc = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'infra/src/cli.ts', 'users', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, KC_DATA_DIR: dataDir },
      encoding: 'utf8',
      input,
    });
  const login = async (username: string, password?: string) =>
    new ApiClient(app.url).call('POST', '/api/auth/login', { username, password: password ?? DEMO_PASSWORD });

  beforeAll(async () => {
    app = await startApp({ dataDir });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('disables an account at once in the running app (sessions, login, assignment) and enables it again', async () => {
    const analyst = await new ApiClient(app.url).login('phantich');
    const supervisor = await new ApiClient(app.url).login('giamsat');
    expect((await analyst.call('GET', '/api/me')).status).toBe(200);

    const off = kc(['disable', '--username', 'phantich']);
    expect(off.status, off.stderr).toBe(0);
    expect(off.stdout).toBe('Đã vô hiệu hóa tài khoản phantich; các phiên đăng nhập đã kết thúc.\n');
    // The API process sees another process's write within 100 ms.
    await waitFor('the open session to end', async () => (await analyst.call('GET', '/api/me')).status === 401, 5_000);
    // Logging in answers exactly as a wrong password does.
    const refused = await login('phantich');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('CASE_ERR_BAD_CREDENTIALS');
    // No work goes to a disabled account.
    const users = (await supervisor.call('GET', '/api/users')).body.items.map((u: { username: string }) => u.username);
    expect(users).not.toContain('phantich');
    expect(users).toContain('giamsat');
    expect(kc(['list']).stdout).toMatch(/^phantich\tanalyst\t.*\tđã vô hiệu hóa từ \d{4}-\d\d-\d\dT/m);

    const on = kc(['enable', '--username', 'phantich']);
    expect(on.stdout).toBe('Tài khoản phantich hoạt động trở lại.\n');
    expect((await login('phantich')).status).toBe(200);
    expect(kc(['list']).stdout).toMatch(/^phantich\tanalyst\t.*\thoạt động$/m);
  });

  it('unlocks a username locked by failed logins', async () => {
    for (let i = 0; i < 5; i++) await login('baochi', 'sai-mat-khau');
    const locked = await login('baochi');
    expect(locked.body.code).toBe('CASE_ERR_ACCOUNT_LOCKED');
    expect(kc(['list']).stdout).toMatch(/^baochi\tpress_office\t.*\tbị khóa đến \d{4}-/m);

    const unlock = kc(['unlock', '--username', 'BaoChi']);
    expect(unlock.status, unlock.stderr).toBe(0);
    expect(unlock.stdout).toBe('Đã mở khóa tài khoản BaoChi.\n');
    expect((await login('baochi')).status).toBe(200);
    expect(kc(['unlock', '--username', 'baochi']).stdout).toBe(
      'Tài khoản baochi không bị khóa; không có gì thay đổi.\n',
    );
  });

  it('sets a new password read from stdin and ends the sessions opened with the old one', async () => {
    const police = await new ApiClient(app.url).login('congan');
    const short = kc(['password', '--username', 'congan', '--password-stdin'], 'ngan\n');
    expect(short.status).toBe(2);
    expect(short.stderr).toBe('kc: mật khẩu phải có ít nhất 8 ký tự\n');

    const set = kc(['password', '--username', 'congan', '--password-stdin'], 'mat-khau-moi-2026\n');
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toBe('Đã đặt mật khẩu mới cho congan; các phiên đăng nhập cũ đã kết thúc.\n');
    await waitFor('the old session to end', async () => (await police.call('GET', '/api/me')).status === 401, 5_000);
    expect((await login('congan')).status).toBe(401);
    expect((await login('congan', 'mat-khau-moi-2026')).status).toBe(200);
  });

  it('answers an unknown account or a missing name with exit code 2 and says why', () => {
    for (const action of ['disable', 'enable', 'unlock']) {
      const r = kc([action, '--username', 'khong-ai']);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('kc: không có tài khoản khong-ai\n');
    }
    const missing = kc(['disable']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('kc: thiếu --username\n');
    expect(kc(['password', '--username', 'congan']).stderr).toBe(
      'kc: mật khẩu phải đưa qua stdin: thêm --password-stdin\n',
    );
  });
});
