import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Post, postId } from '../src/index.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kc-pipeline-'));
}

export function makePost(over: Partial<Post> & { url?: string } = {}): Post {
  const url = over.url ?? `https://tin.example.vn/bai/${Math.random().toString(36).slice(2)}`;
  return {
    id: postId('web', { url }),
    platform: 'web',
    sourceId: 'test',
    url,
    platformPostId: null,
    title: null,
    text: 'Giá cà phê hôm nay tăng nhẹ',
    author: null,
    publishedAt: null,
    fetchedAt: new Date().toISOString(),
    region: null,
    metrics: null,
    evidence: [],
    tags: [],
    tipNote: null,
    ...over,
  };
}

export const silentLog = { info() {}, warn() {}, error() {} };

/** Waits until `check` is true, polling; never a fixed sleep. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
