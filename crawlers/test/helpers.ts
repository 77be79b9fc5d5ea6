import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsEvidenceStore, type Post } from '@kc/pipeline';
import type { CrawlerContext } from '../src/index.js';

export function crawlContext(): CrawlerContext & { posts: Post[]; warnings: string[] } {
  const posts: Post[] = [];
  const warnings: string[] = [];
  return {
    posts,
    warnings,
    evidence: FsEvidenceStore.create({ dir: mkdtempSync(join(tmpdir(), 'kc-crawl-')) }),
    publish: async (batch) => {
      posts.push(...batch);
    },
    log: {
      info() {},
      warn(obj: object, msg?: string) {
        warnings.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
      },
      error(obj: object, msg?: string) {
        warnings.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
      },
    },
    chromiumPath: process.env.KC_CHROMIUM_PATH ?? '/usr/bin/chromium',
  };
}
