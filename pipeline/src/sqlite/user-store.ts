import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { type Role, RoleSchema, type SavedSearch, SavedSearchSchema, type User } from '../domain/index.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Account, LoginResult, UserStore } from '../ports.js';
import { changeTracker, type Db, migrate, openDb, type SqliteSchema, statementCache } from './db.js';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LEN = 32;

const SCHEMA = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     role TEXT NOT NULL,
     display_name TEXT,
     password_hash TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id TEXT NOT NULL REFERENCES users (id),
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );`,
  // 2: saved searches.
  `CREATE TABLE saved_searches (
     id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL REFERENCES users (id),
     name TEXT NOT NULL,
     target TEXT NOT NULL,
     query TEXT NOT NULL,
     created_at TEXT NOT NULL,
     UNIQUE (user_id, name)
   );`,
  // 3: failed logins per username (known or not), for the lockout.
  `CREATE TABLE login_failures (
     username TEXT PRIMARY KEY COLLATE NOCASE,
     failures INTEGER NOT NULL,
     locked_until TEXT
   );`,
  // 4: accounts an administrator disabled (staff who left): no login, no session.
  'ALTER TABLE users ADD COLUMN disabled_at TEXT;',
];

/** Consecutive failed logins of one username that lock it, and for how long. */
export const LOGIN_LOCKOUT = { failures: 5, minutes: 15 } as const;

/** Saved searches a user may keep. */
export const MAX_SAVED_SEARCHES = 50;

/** Schema of this store, applied at open (and by `kc migrate`). */
export const USER_STORE_SCHEMA: SqliteSchema = { component: 'user_store', steps: SCHEMA };

interface UserRow {
  id: string;
  username: string;
  role: Role;
  display_name: string | null;
  password_hash: string;
  disabled_at: string | null;
}

/** Users with scrypt password hashes and opaque session tokens (only their hashes are stored). */
export class SqliteUserStore implements UserStore {
  readonly #db: Db;
  readonly #sql: ReturnType<typeof statementCache>;
  readonly #changes: () => string;
  /**
   * Sessions resolved since the file last changed (a login, a logout, another process's write):
   * every API request resolves its token, and the answer only changes with such a write.
   */
  readonly #sessions = new Map<string, { user: User; expiresAt: string }>();
  #sessionsToken = '';

  static create(options: { file: string }): SqliteUserStore {
    if (!options.file) throw new TypeError('SqliteUserStore needs a file');
    return new SqliteUserStore(openDb(options.file));
  }

  private constructor(db: Db) {
    this.#db = db;
    this.#sql = statementCache(db);
    this.#changes = changeTracker(db);
    migrate(this.#db, USER_STORE_SCHEMA);
  }

  async add(input: { username: string; role: Role; password: string; displayName?: string | null }): Promise<User> {
    if (!/^[a-z0-9._-]{3,40}$/i.test(input.username)) {
      throw new TypeError('username must be 3–40 letters, digits, dots, dashes or underscores');
    }
    RoleSchema.parse(input.role);
    const hash = await passwordHash(input.password);
    const id = `usr_${randomUUID()}`;
    try {
      this.#sql(
        'INSERT INTO users (id, username, role, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(id, input.username, input.role, input.displayName ?? null, hash, new Date().toISOString());
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ConflictError(`user ${input.username} already exists`);
      }
      throw err;
    }
    return { id, username: input.username, role: input.role, displayName: input.displayName ?? null };
  }

  async list(): Promise<User[]> {
    return (this.#sql('SELECT * FROM users WHERE disabled_at IS NULL ORDER BY username').all() as UserRow[]).map(
      toUser,
    );
  }

  async count(): Promise<number> {
    return (this.#sql('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  async authenticate(username: string, password: string): Promise<User | null> {
    const row = this.#sql('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    // Hash even for unknown users so response time does not reveal which usernames exist.
    const [, n, r, p, salt, expected] = (
      row?.password_hash ?? `scrypt$16384$8$1$${'A'.repeat(24)}$${'A'.repeat(44)}`
    ).split('$');
    const key = await scryptAsync(password.normalize('NFC'), Buffer.from(salt!, 'base64'), KEY_LEN, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: SCRYPT.maxmem,
    });
    const want = Buffer.from(expected!, 'base64');
    if (!row || want.length !== key.length || !timingSafeEqual(want, key)) return null;
    // A disabled account answers as a wrong password does: the answer tells nothing more.
    if (row.disabled_at !== null) return null;
    return toUser(row);
  }

  async accounts(now = new Date()): Promise<Account[]> {
    const rows = this.#sql(
      `SELECT u.*, f.failures, f.locked_until FROM users u
         LEFT JOIN login_failures f ON f.username = lower(u.username) ORDER BY u.username`,
    ).all() as (UserRow & { failures: number | null; locked_until: string | null })[];
    return rows.map((r) => ({
      ...toUser(r),
      disabledAt: r.disabled_at,
      lockedUntil: r.locked_until && r.locked_until > now.toISOString() ? r.locked_until : null,
      failedLogins: r.failures ?? 0,
    }));
  }

  async unlock(username: string): Promise<boolean> {
    return this.#sql('DELETE FROM login_failures WHERE username = ?').run(loginKey(username)).changes > 0;
  }

  async setPassword(username: string, password: string): Promise<User> {
    const hash = await passwordHash(password);
    return this.#db
      .transaction(() => {
        const row = this.#userRow(username);
        this.#sql('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, row.id);
        this.#sql('DELETE FROM sessions WHERE user_id = ?').run(row.id);
        this.#sql('DELETE FROM login_failures WHERE username = ?').run(loginKey(username));
        return toUser(row);
      })
      .immediate();
  }

  async setDisabled(username: string, disabled: boolean, now = new Date()): Promise<User> {
    return this.#db
      .transaction(() => {
        const row = this.#userRow(username);
        if (disabled) {
          // Disabling twice keeps the first date.
          this.#sql('UPDATE users SET disabled_at = coalesce(disabled_at, ?) WHERE id = ?').run(
            now.toISOString(),
            row.id,
          );
          this.#sql('DELETE FROM sessions WHERE user_id = ?').run(row.id);
        } else {
          this.#sql('UPDATE users SET disabled_at = NULL WHERE id = ?').run(row.id);
        }
        return toUser(row);
      })
      .immediate();
  }

  #userRow(username: string): UserRow {
    const row = this.#sql('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    if (!row) throw new NotFoundError(`no user ${username}`);
    return row;
  }

  async login(username: string, password: string, now = new Date()): Promise<LoginResult> {
    const key = loginKey(username);
    const row = this.#sql('SELECT failures, locked_until FROM login_failures WHERE username = ?').get(key) as
      | { failures: number; locked_until: string | null }
      | undefined;
    // A locked name is refused without looking at the password, right or wrong.
    if (row?.locked_until && row.locked_until > now.toISOString()) return { ok: false, lockedUntil: row.locked_until };
    const user = await this.authenticate(username, password);
    if (user) {
      this.#sql('DELETE FROM login_failures WHERE username = ?').run(key);
      return { ok: true, user };
    }
    // Unknown names are counted and locked too: the answers never tell which accounts exist.
    const failures = (row?.locked_until ? 0 : (row?.failures ?? 0)) + 1;
    const lockedUntil =
      failures >= LOGIN_LOCKOUT.failures
        ? new Date(now.getTime() + LOGIN_LOCKOUT.minutes * 60_000).toISOString()
        : null;
    this.#sql(
      `INSERT INTO login_failures (username, failures, locked_until) VALUES (?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
    ).run(key, lockedUntil ? 0 : failures, lockedUntil);
    return { ok: false, lockedUntil };
  }

  async createSession(userId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: string }> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = new Date(now + ttlSeconds * 1000).toISOString();
    this.#sql('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
      tokenHash(token),
      userId,
      new Date(now).toISOString(),
      expiresAt,
    );
    this.#sql('DELETE FROM sessions WHERE expires_at < ?').run(new Date(now).toISOString());
    return { token, expiresAt };
  }

  async resolveSession(token: string): Promise<User | null> {
    const now = new Date().toISOString();
    const changes = this.#changes();
    if (changes !== this.#sessionsToken) {
      this.#sessions.clear();
      this.#sessionsToken = changes;
    }
    const known = this.#sessions.get(token);
    if (known) return known.expiresAt > now ? known.user : null;
    const row = this.#sql(
      `SELECT u.*, s.expires_at AS session_expires_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
    ).get(tokenHash(token), now) as (UserRow & { session_expires_at: string }) | undefined;
    if (!row) return null;
    const user = toUser(row);
    if (this.#sessions.size >= 10_000) this.#sessions.clear();
    this.#sessions.set(token, { user, expiresAt: row.session_expires_at });
    return user;
  }

  async revokeSession(token: string): Promise<void> {
    this.#sql('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
  }

  async saveSearch(
    userId: string,
    input: { name: string; target: SavedSearch['target']; query: Record<string, string> },
  ): Promise<SavedSearch> {
    const name = input.name.trim();
    if (!name || name.length > 100) throw new TypeError('a saved search needs a name of 1–100 characters');
    const search: SavedSearch = {
      id: `ss_${randomUUID()}`,
      userId,
      name,
      target: input.target,
      query: { ...input.query },
      createdAt: new Date().toISOString(),
    };
    this.#db
      .transaction(() => {
        const n = this.#sql('SELECT COUNT(*) FROM saved_searches WHERE user_id = ?').pluck().get(userId) as number;
        if (n >= MAX_SAVED_SEARCHES) throw new ConflictError(`at most ${MAX_SAVED_SEARCHES} saved searches per user`);
        const taken = this.#sql('SELECT 1 FROM saved_searches WHERE user_id = ? AND name = ?').get(userId, name);
        if (taken) throw new ConflictError(`a saved search named ${name} exists`);
        this.#sql(
          'INSERT INTO saved_searches (id, user_id, name, target, query, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(search.id, userId, name, search.target, JSON.stringify(search.query), search.createdAt);
      })
      .immediate();
    return search;
  }

  async listSearches(userId: string): Promise<SavedSearch[]> {
    const rows = this.#sql('SELECT * FROM saved_searches WHERE user_id = ? ORDER BY name').all(userId) as {
      id: string;
      user_id: string;
      name: string;
      target: string;
      query: string;
      created_at: string;
    }[];
    return rows.map((r) =>
      SavedSearchSchema.parse({
        id: r.id,
        userId: r.user_id,
        name: r.name,
        target: r.target,
        query: JSON.parse(r.query),
        createdAt: r.created_at,
      }),
    );
  }

  async deleteSearch(userId: string, id: string): Promise<boolean> {
    return this.#sql('DELETE FROM saved_searches WHERE id = ? AND user_id = ?').run(id, userId).changes > 0;
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

/** How failed logins are keyed: the name as typed, trimmed and lower-cased (known or not). */
function loginKey(username: string): string {
  return username.trim().toLowerCase().slice(0, 100);
}

async function passwordHash(password: string): Promise<string> {
  if (password.length < 8) throw new TypeError('password must have at least 8 characters');
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFC'), salt, KEY_LEN, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toUser(r: UserRow): User {
  return { id: r.id, username: r.username, role: r.role, displayName: r.display_name };
}
