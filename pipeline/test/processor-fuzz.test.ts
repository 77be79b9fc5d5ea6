import { join } from 'node:path';
import { Classifier } from '@kc/classifier';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqliteBus, SqliteCaseStore, SqlitePostIndex, StreamProcessor, TOPICS } from '../src/index.js';
import { makePost, silentLog, tempDir, until } from './helpers.js';

type Message = { kind: 'post' | 'garbage' | 'unknown'; key: string; value: Uint8Array };

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** Text as it arrives: Vietnamese, none, markup, control characters, lone surrogates, RTL marks. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
  fc.constantFrom(
    'Nghe nói từ 0h mai phong tỏa toàn tỉnh, share gấp!',
    'uong nuoc chanh nong diet sach virus corona',
    '<img src=x onerror=alert(1)>',
    '\u202eđảo ngược\u202c',
    'a\u0000b\u0007c',
  ),
);

let seq = 0;
/** A post that is valid by construction: it must be indexed. */
const validPost = fc.tuple(text, fc.option(text, { nil: null })).map(([t, title]): Message => {
  const p = makePost({ text: t, title, url: `https://tin.example.vn/fuzz/${++seq}` });
  return { kind: 'post', key: p.id, value: enc(JSON.stringify(p)) };
});
/** Bytes that are not a post at all: they must be dead letters. */
const garbage = fc
  .oneof(
    fc.uint8Array({ minLength: 0, maxLength: 200 }).map((b) => new Uint8Array([0xff, ...b])), // never valid UTF-8
    fc.string({ maxLength: 100 }).map((s) => enc(`{${s}`)), // never valid JSON
    fc.jsonValue().map((v) => enc(JSON.stringify([v]))), // JSON, but an array
    fc.record({ id: fc.string(), text: fc.integer() }).map((o) => enc(JSON.stringify(o))), // wrong schema
  )
  .map((value): Message => ({ kind: 'garbage', key: `g${++seq}`, value }));
/** A post with a fuzzed field: indexed or dead-lettered, never anything else. */
const mutated = fc
  .tuple(
    fc.constantFrom('platform', 'url', 'fetchedAt', 'evidence', 'metrics', 'author', 'region', 'tags', 'id'),
    fc.jsonValue(),
  )
  .map(([field, v]): Message => {
    const p = { ...makePost({ url: `https://tin.example.vn/fuzz/${++seq}` }), [field]: v };
    return { kind: 'unknown', key: `m${seq}`, value: enc(JSON.stringify(p)) };
  });

describe('StreamProcessor under fuzzed bus messages', () => {
  it('indexes every valid post, dead-letters everything else with its reason and bytes, and never stops', async () => {
    const classifier = new Classifier();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(validPost, garbage, mutated), { minLength: 1, maxLength: 25 }),
        async (msgs) => {
          const dir = tempDir();
          const bus = SqliteBus.create({ file: join(dir, 'bus.sqlite') });
          const index = SqlitePostIndex.create({ file: join(dir, 'posts.sqlite') });
          const cases = SqliteCaseStore.create({ file: join(dir, 'cases.sqlite') });
          const processor = new StreamProcessor({ bus, index, cases, classifier, log: silentLog });
          try {
            await bus.publish(
              TOPICS.postsRaw,
              msgs.map((m) => ({ key: m.key, value: m.value })),
            );
            await processor.start();
            await until(async () => (await bus.lag('pipeline', TOPICS.postsRaw)) === 0);
            await processor.stop();

            const dead = await bus.read(TOPICS.postsDead);
            const deadKeys = new Set(dead.map((d) => d.key));
            for (const d of dead) {
              const letter = JSON.parse(Buffer.from(d.value).toString('utf8')) as {
                reason: string;
                valueBase64: string;
              };
              expect(letter.reason.length).toBeGreaterThan(0);
              const original = msgs.find((m) => m.key === d.key)!;
              expect(Buffer.from(letter.valueBase64, 'base64').equals(Buffer.from(original.value))).toBe(true);
            }
            for (const m of msgs) {
              if (m.kind === 'garbage')
                expect(deadKeys.has(m.key), `garbage ${m.key} must be a dead letter`).toBe(true);
              if (m.kind === 'post') expect(deadKeys.has(m.key), `valid post ${m.key} must be indexed`).toBe(false);
            }
            // Nothing lost, nothing doubled: every message is indexed or dead, not both, not neither.
            const indexedIds = new Set((await index.get(msgs.map((m) => m.key))).map((p) => p.post.id));
            const mutatedIndexed = msgs.filter((m) => m.kind === 'unknown' && !deadKeys.has(m.key)).length;
            expect(dead.length + indexedIds.size + mutatedIndexed).toBe(msgs.length);
            expect(await index.count()).toBe(msgs.length - dead.length);
            expect(processor.stats.processed).toBe(msgs.length - dead.length);
            expect(processor.stats.deadLettered).toBe(dead.length);
          } finally {
            await processor.stop().catch(() => {});
            await bus.close();
            await index.close();
            await cases.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
