import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConflictError, SqliteUserStore } from '../../src/index.js';
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
});
