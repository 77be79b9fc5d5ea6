import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsEvidenceStore } from '../src/index.js';
import { tempDir } from './helpers.js';

describe('FsEvidenceStore', () => {
  it('stores by SHA-256 once, reads back with metadata, and detects tampering', async () => {
    const dir = tempDir();
    const store = FsEvidenceStore.create({ dir });
    const meta = {
      kind: 'html' as const,
      url: 'https://x.vn/a',
      capturedAt: new Date().toISOString(),
      contentType: 'text/html',
    };
    const a = await store.put(Buffer.from('<p>tin giả</p>'), meta);
    const again = await store.put(Buffer.from('<p>tin giả</p>'), meta);
    expect(again).toEqual(a);
    expect(a.sha256).toBe(createHash('sha256').update('<p>tin giả</p>').digest('hex'));
    const got = await store.get(a.sha256);
    expect(Buffer.from(got!.bytes).toString()).toBe('<p>tin giả</p>');
    expect(got!.meta.url).toBe('https://x.vn/a');
    expect(await store.get('../../etc/passwd')).toBeNull();
    expect(await store.verify()).toEqual({ checked: 1, tampered: [] });
    writeFileSync(join(dir, a.sha256.slice(0, 2), a.sha256), '<p>tin thật</p>');
    expect(await store.verify()).toEqual({ checked: 1, tampered: [a.sha256] });
  });
});
