import { join } from 'node:path';
import { classify } from '@kc/classifier';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqlitePostIndex } from '../../src/index.js';
import { POST_INDEX_SCHEMA_1 } from '../fixtures/old-schemas.js';
import { makePost, tempDir } from '../helpers.js';

describe('SqlitePostIndex schema migration', () => {
  it('upgrades a file made by schema 1 without loss, and re-indexing then replaces the FTS row', async () => {
    const file = join(tempDir(), 'posts.sqlite');
    const post = makePost({ text: 'Xông hơi bằng lá sả diệt virus' });
    // A data directory as schema 1 left it: FTS rows found by scanning for the post id.
    const old = new Database(file);
    old.exec(POST_INDEX_SCHEMA_1);
    const c = classify(post.text);
    old
      .prepare('INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(post.id, JSON.stringify(post), JSON.stringify(c), c.flagged ? 1 : 0, 1, c.score, post.fetchedAt, 'x');
    old.prepare('INSERT INTO posts_fts (id, folded) VALUES (?, ?)').run(post.id, 'xong hoi bang la sa diet virus');
    old.close();

    const index = SqlitePostIndex.create({ file });
    expect(await index.count()).toBe(1);
    expect((await index.search({ q: 'xông hơi', limit: 10, offset: 0 })).total).toBe(1);
    // Schema 3 filled the filter columns from the stored posts.
    expect((await index.search({ platform: 'web', limit: 10, offset: 0 })).total).toBe(1);
    expect((await index.search({ platform: 'zalo', limit: 10, offset: 0 })).total).toBe(0);
    await index.upsert([{ post: { ...post, text: 'Giá cà phê hôm nay' }, classification: c, indexedAt: 'y' }]);
    expect((await index.search({ q: 'xông hơi', limit: 10, offset: 0 })).total).toBe(0);
    expect((await index.search({ q: 'cà phê', limit: 10, offset: 0 })).total).toBe(1);
    await index.close();

    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM posts_fts').pluck().get()).toBe(1);
    expect(db.prepare(`SELECT version FROM schema_migrations WHERE component = 'post_index'`).pluck().get()).toBe(3);
    db.close();
  });
});
