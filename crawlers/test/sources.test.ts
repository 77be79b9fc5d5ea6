import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSources, SourceConfigError } from '../src/index.js';

function file(content: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'kc-src-')), 'sources.yaml');
  writeFileSync(f, content);
  return f;
}

describe('sources.yaml', () => {
  it('loads valid sources with defaults', () => {
    const sources = loadSources(
      file(
        `sources:\n  - id: baogialai\n    kind: rss\n    url: https://baogialai.com.vn/rss/thoi-su.rss\n    platform: web\n`,
      ),
    );
    expect(sources[0]).toMatchObject({
      id: 'baogialai',
      region: null,
      allowPrivateNetwork: false,
      limits: { maxPages: 50 },
    });
  });

  it('names every bad field at once', () => {
    const f = file(
      `sources:\n  - id: Bad Id\n    kind: rss\n    url: ftp://x\n    platform: myspace\n  - id: ok-1\n    kind: social_page\n    url: https://x.vn\n    platform: facebook\n  - id: ok-1\n    kind: rss\n    url: https://y.vn\n    platform: web\n`,
    );
    try {
      loadSources(f);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SourceConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('sources.0.id');
      expect(msg).toContain('sources.0.url');
      expect(msg).toContain('sources.0.platform');
      expect(msg).toContain('duplicate source id ok-1');
    }
  });

  it('reports unparsable YAML with the file name', () => {
    expect(() => loadSources(file('sources: [\n  - id: x'))).toThrow(/sources\.yaml/);
  });
});

describe('the sample sources file', () => {
  it('is valid', () => {
    const sources = loadSources(new URL('../../infra/sources.example.yaml', import.meta.url).pathname);
    expect(sources.map((s) => s.kind).sort()).toEqual([
      'listing',
      'rss',
      'rss',
      'rss',
      'sitemap',
      'social_page',
      'tip',
    ]);
    expect(sources.every((s) => s.allowPrivateNetwork === false)).toBe(true);
  });
});
