import { join } from 'node:path';
import { classify } from '@kc/classifier';
import { describe, expect, it } from 'vitest';
import { SqlitePostIndex } from '../../src/index.js';
import { makePost, tempDir } from '../helpers.js';

describe('SqlitePostIndex', () => {
  const open = () => SqlitePostIndex.create({ file: join(tempDir(), 'posts.sqlite') });
  const entry = (text: string) => {
    const post = makePost({ text });
    return { post, classification: classify(text), indexedAt: new Date().toISOString() };
  };

  it('finds posts with or without diacritics and with đ folded', async () => {
    const index = open();
    await index.upsert([entry('Đồn rằng phong tỏa toàn thành phố từ 0h'), entry('Giá cà phê tăng')]);
    for (const q of ['phong tỏa', 'phong toa', 'PHONG TOẢ', 'don rang', 'đồn']) {
      const r = await index.search({ q, limit: 10, offset: 0 });
      expect(r.total, q).toBe(1);
      expect(r.items[0]!.post.text).toContain('phong tỏa');
    }
    await index.close();
  });

  it('upserts by id: indexing the same post twice keeps one copy', async () => {
    const index = open();
    const e = entry('Tin đồn vắc xin gây vô sinh');
    await index.upsert([e]);
    await index.upsert([{ ...e, post: { ...e.post, text: 'Tin đồn vắc xin gây vô sinh (sửa)' } }]);
    expect(await index.count()).toBe(1);
    expect((await index.search({ q: 'sua', limit: 10, offset: 0 })).total).toBe(1);
    await index.close();
  });

  it('treats FTS syntax in a query as plain words', async () => {
    const index = open();
    await index.upsert([entry('phong tỏa')]);
    for (const q of ['"', 'phong OR', 'folded:phong', 'NEAR(phong toa)', '*', ')(', "'; DROP TABLE posts; --"]) {
      await expect(index.search({ q, limit: 10, offset: 0 })).resolves.toBeDefined();
    }
    expect(await index.count()).toBe(1);
    await index.close();
  });
});
