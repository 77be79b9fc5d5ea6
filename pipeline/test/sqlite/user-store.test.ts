import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConflictError, LOGIN_LOCKOUT, NotFoundError, SqliteUserStore } from '../../src/index.js';
import { tempDir } from '../helpers.js';

describe('SqliteUserStore', () => {
  it('stores scrypt hashes, authenticates, and refuses duplicates and weak input', async () => {
    const file = join(tempDir(), 'cases.sqlite');
    const users = SqliteUserStore.create({ file });
    await users.add({ username: 'phantich', role: 'analyst', password: 'mat-khau-dai' });
    await expect(users.add({ username: 'PhanTich', role: 'analyst', password: 'mat-khau-dai' })).rejects.toThrow(
      ConflictError,
    );
    await expect(users.add({ username: 'x', role: 'analyst', password: 'mat-khau-dai' })).rejects.toThrow(TypeError);
    await expect(users.add({ username: 'abc', role: 'analyst', password: 'short' })).rejects.toThrow(TypeError);
    expect(await users.authenticate('phantich', 'mat-khau-dai')).toMatchObject({
      username: 'phantich',
      role: 'analyst',
    });
    expect(await users.authenticate('phantich', 'sai')).toBeNull();
    expect(await users.authenticate('nobody', 'mat-khau-dai')).toBeNull();
    await users.close();
    const row = new Database(file).prepare('SELECT password_hash FROM users').get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row.password_hash).not.toContain('mat-khau-dai');
  });

  it('keeps resolved sessions only until the file changes, and lets a cached one expire', async () => {
    const file = join(tempDir(), 'cases.sqlite');
    const users = SqliteUserStore.create({ file });
    const u = await users.add({ username: 'canhsat', role: 'police_liaison', password: 'mat-khau-dai' });
    const a = await users.createSession(u.id, 60);
    const b = await users.createSession(u.id, 60);
    expect(await users.resolveSession(a.token)).toMatchObject({ username: 'canhsat' });
    expect(await users.resolveSession(b.token)).toMatchObject({ username: 'canhsat' });
    // Revoked by another process (another connection to the file): refused within 100 ms.
    const other = SqliteUserStore.create({ file });
    await other.revokeSession(a.token);
    await other.close();
    await new Promise((r) => setTimeout(r, 120));
    expect(await users.resolveSession(a.token)).toBeNull();
    expect(await users.resolveSession(b.token)).toMatchObject({ username: 'canhsat' });
    // A session that ends while cached is refused when it ends.
    const brief = await users.createSession(u.id, 1);
    expect(await users.resolveSession(brief.token)).toMatchObject({ username: 'canhsat' });
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await users.resolveSession(brief.token)).toBeNull();
    await users.close();
  });

  it('resolves live sessions only, and revokes them', async () => {
    const users = SqliteUserStore.create({ file: join(tempDir(), 'cases.sqlite') });
    const u = await users.add({ username: 'giamsat', role: 'supervisor', password: 'mat-khau-dai' });
    const live = await users.createSession(u.id, 60);
    const expired = await users.createSession(u.id, -1);
    expect(await users.resolveSession(live.token)).toMatchObject({ username: 'giamsat' });
    expect(await users.resolveSession(expired.token)).toBeNull();
    expect(await users.resolveSession('not-a-token')).toBeNull();
    await users.revokeSession(live.token);
    expect(await users.resolveSession(live.token)).toBeNull();
    await users.close();
  });

  it('locks a username after repeated failures, known or not, until the lockout ends; success resets', async () => {
    const file = join(tempDir(), 'cases.sqlite');
    const users = SqliteUserStore.create({ file });
    await users.add({ username: 'phantich', role: 'analyst', password: 'mat-khau-dai' });
    const t0 = new Date('2026-12-02T08:00:00Z');
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

    // Failures below the limit, then a success: the count starts again.
    for (let i = 1; i < LOGIN_LOCKOUT.failures; i++) {
      expect(await users.login('phantich', 'sai', t0)).toEqual({ ok: false, lockedUntil: null });
    }
    expect(await users.login('phantich', 'mat-khau-dai', t0)).toMatchObject({
      ok: true,
      user: { username: 'phantich' },
    });
    for (let i = 1; i < LOGIN_LOCKOUT.failures; i++) await users.login('PHANTICH', 'sai', t0);
    const locked = await users.login('phantich', 'sai', t0);
    const until = at(LOGIN_LOCKOUT.minutes).toISOString();
    expect(locked).toEqual({ ok: false, lockedUntil: until });
    // Locked: even the right password is refused, and the lock does not grow.
    expect(await users.login('phantich', 'mat-khau-dai', at(1))).toEqual({ ok: false, lockedUntil: until });
    expect(await users.login(' PhanTich ', 'sai', at(2))).toEqual({ ok: false, lockedUntil: until });
    // The lock holds across processes: another store over the same file sees it.
    const other = SqliteUserStore.create({ file });
    expect(await other.login('phantich', 'mat-khau-dai', at(3))).toEqual({ ok: false, lockedUntil: until });
    await other.close();
    // After the lockout the right password works.
    expect(await users.login('phantich', 'mat-khau-dai', at(LOGIN_LOCKOUT.minutes + 1))).toMatchObject({ ok: true });

    // An unknown name locks the same way, so the answers never reveal which accounts exist.
    for (let i = 1; i < LOGIN_LOCKOUT.failures; i++) {
      expect(await users.login('khongco', 'sai', t0)).toEqual({ ok: false, lockedUntil: null });
    }
    expect(await users.login('khongco', 'sai', t0)).toEqual({ ok: false, lockedUntil: until });
    await users.close();
  });

  it('disables and enables accounts, sets passwords and unlocks names, ending sessions where it must', async () => {
    const file = join(tempDir(), 'cases.sqlite');
    const users = SqliteUserStore.create({ file });
    const u = await users.add({ username: 'phantich', role: 'analyst', password: 'mat-khau-dai' });
    await users.add({ username: 'giamsat', role: 'supervisor', password: 'mat-khau-dai' });
    const session = await users.createSession(u.id, 600);
    const t0 = new Date('2026-12-03T08:00:00Z');

    expect(await users.setDisabled('PhanTich', true, t0)).toMatchObject({ username: 'phantich' });
    await users.setDisabled('phantich', true, new Date('2026-12-04T08:00:00Z'));
    expect(await users.resolveSession(session.token)).toBeNull();
    expect(await users.authenticate('phantich', 'mat-khau-dai')).toBeNull();
    expect((await users.login('phantich', 'mat-khau-dai')).ok).toBe(false);
    expect((await users.list()).map((x) => x.username)).toEqual(['giamsat']);
    expect(await users.count()).toBe(2);
    expect((await users.accounts()).find((a) => a.username === 'phantich')).toMatchObject({
      disabledAt: t0.toISOString(), // disabling twice keeps the first date
      failedLogins: 1,
    });
    await users.setDisabled('phantich', false);
    expect(await users.unlock('phantich')).toBe(true);
    expect(await users.unlock('phantich')).toBe(false);
    expect((await users.login('phantich', 'mat-khau-dai')).ok).toBe(true);

    // Locked, then a new password: the lock goes, and so do the sessions of the old one.
    const old = await users.createSession(u.id, 600);
    for (let i = 0; i < LOGIN_LOCKOUT.failures; i++) await users.login('phantich', 'sai');
    expect((await users.accounts()).find((a) => a.username === 'phantich')?.lockedUntil).not.toBeNull();
    await expect(users.setPassword('phantich', 'ngan')).rejects.toThrow(TypeError);
    await users.setPassword('phantich', 'mat-khau-moi-dai');
    expect(await users.resolveSession(old.token)).toBeNull();
    expect((await users.accounts()).find((a) => a.username === 'phantich')).toMatchObject({
      lockedUntil: null,
      failedLogins: 0,
    });
    expect(await users.authenticate('phantich', 'mat-khau-dai')).toBeNull();
    expect(await users.authenticate('phantich', 'mat-khau-moi-dai')).toMatchObject({ username: 'phantich' });

    for (const op of [() => users.setDisabled('khong-ai', true), () => users.setPassword('khong-ai', 'mat-khau-dai')]) {
      await expect(op()).rejects.toThrow(NotFoundError);
    }
    await users.close();
  });
});
