import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { classify } from '@kc/classifier';
import { afterAll, describe, expect, it } from 'vitest';
import { auditHash } from '../../src/audit-chain.js';
import { type Actor, CASE_STORE_INDICES, EsCaseStore, type IndexSpec, migrateIndices } from '../../src/index.js';

const node = process.env.ELASTICSEARCH_URL;
if (!node) throw new Error('ELASTICSEARCH_URL is not set: the global setup should have started Elasticsearch');
const es = new Client({ node });
afterAll(() => es.close());

const analyst: Actor = { userId: 'u1', username: 'phantich', role: 'analyst' };
const text = 'Phong tỏa toàn thành phố từ 0h đêm nay, cấm ra đường';
const flagged = (postId: string) => ({
  postId,
  title: '',
  text,
  classification: classify(text),
  author: null,
  at: new Date().toISOString(),
});

describe('EsCaseStore: a change whose audit entry was never appended', () => {
  it('is completed by the next store to start, once, and an entry already in the log is not repeated', async () => {
    const prefix = `test-${randomUUID().slice(0, 8)}-`;
    const store = await EsCaseStore.create({ node, prefix, pendingGraceMs: 1_000 });
    const { caseId } = await store.recordFlaggedPost(flagged('p_a'));
    await store.apply(caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    await store.close();
    await es.indices.refresh({ index: `${prefix}audit` });
    const logged = await es.search<{ event_id: string }>({
      index: `${prefix}audit`,
      query: { match_all: {} },
      sort: [{ seq: 'asc' }],
    });
    const already = logged.hits.hits[1]!._source!.event_id;

    // A process died after writing the case and before appending its entry (and another one
    // died after appending but before clearing it from the case).
    const got = await es.get<Record<string, unknown>>({ index: `${prefix}cases`, id: caseId });
    const writtenAt = Date.now() - 60_000;
    const lost = {
      eventId: randomUUID(),
      caseId,
      at: new Date(writtenAt).toISOString(),
      actor: 'phantich',
      action: 'comment',
      fromStatus: 'in_review',
      toStatus: 'in_review',
      data: { text: 'ghi chú bị mất' },
      writtenAt,
    };
    const repeated = { ...lost, eventId: already, action: 'assign' };
    await es.index({
      index: `${prefix}cases`,
      id: caseId,
      document: { ...got._source, pending: [lost, repeated], pending_since: new Date(writtenAt).toISOString() },
      refresh: true,
    });

    const next = await EsCaseStore.create({ node, prefix, pendingGraceMs: 1_000 });
    const events = await next.audit(caseId);
    expect(events.map((e) => e.action)).toEqual(['case_opened', 'assign', 'comment']);
    expect(await next.verifyAudit()).toMatchObject({ ok: true, entries: 3 });
    const after = await es.get<{ pending: unknown[] }>({ index: `${prefix}cases`, id: caseId });
    expect(after._source!.pending).toEqual([]);
    await next.close();
    const again = await EsCaseStore.create({ node, prefix, pendingGraceMs: 1_000 });
    expect(await again.verifyAudit()).toMatchObject({ ok: true, entries: 3 });
    await again.drop();
    await again.close();
  });
});

describe('EsCaseStore: the audit chain written in blocks', () => {
  it('writes the block of an appender that died after reserving it, once, before anything after it', async () => {
    const prefix = `test-${randomUUID().slice(0, 8)}-`;
    const store = await EsCaseStore.create({ node, prefix });
    const { caseId } = await store.recordFlaggedPost(flagged('p_a'));
    await store.close();

    // Another process reserved entries 2 and 3 (the head moved) and died before creating them.
    const head = (await es.get<{ seq: number; hash: string }>({ index: `${prefix}audit-head`, id: 'head' }))._source!;
    expect(head.seq).toBe(1);
    let hash = head.hash;
    const block = [2, 3].map((seq) => {
      const event = {
        seq,
        caseId,
        at: new Date().toISOString(),
        actor: 'phantich',
        action: 'comment',
        fromStatus: 'new' as const,
        toStatus: 'new' as const,
        data: { text: `ghi chú ${seq}` },
      };
      const prev = hash;
      hash = auditHash(prev, event);
      return {
        seq,
        event_id: randomUUID(),
        case_id: caseId,
        at: event.at,
        actor: event.actor,
        action: event.action,
        from_status: event.fromStatus,
        to_status: event.toStatus,
        data: event.data,
        prev_hash: prev,
        hash,
      };
    });
    await es.index({ index: `${prefix}audit-head`, id: 'head', document: { seq: 3, hash, block }, refresh: true });
    await es.indices.refresh({ index: `${prefix}audit` });
    expect((await es.count({ index: `${prefix}audit` })).count).toBe(1);

    // The next appender writes them before its own entry, which follows them in the chain.
    const next = await EsCaseStore.create({ node, prefix });
    await next.apply(caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    expect((await next.audit(caseId)).map((e) => [e.seq, e.action])).toEqual([
      [1, 'case_opened'],
      [2, 'comment'],
      [3, 'comment'],
      [4, 'assign'],
    ]);
    expect(await next.verifyAudit()).toMatchObject({ ok: true, entries: 4 });
    await next.drop();
    await next.close();
  });

  it('keeps one chain while two stores append side by side, each entry once', async () => {
    const prefix = `test-${randomUUID().slice(0, 8)}-`;
    const a = await EsCaseStore.create({ node, prefix });
    const b = await EsCaseStore.create({ node, prefix });
    const claim = (n: number) => `Tin nội bộ: bệnh viện huyện ${n} giấu ${n} ca tử vong vì Covid, không công bố`;
    const batch = (store: EsCaseStore, from: number) =>
      store.recordFlaggedPosts(
        Array.from({ length: 30 }, (_, i) => {
          const t = claim(from + i);
          return {
            postId: `p_${from + i}`,
            title: '',
            text: t,
            classification: classify(t),
            author: null,
            at: new Date().toISOString(),
          };
        }),
      );
    // Overlapping batches: posts 20–29 reach both stores at once.
    const [ra, rb] = await Promise.all([batch(a, 0), batch(b, 20)]);
    const cases = new Set([...ra, ...rb].map((r) => r.caseId));
    expect(cases.size).toBe(50);
    expect([...ra, ...rb].filter((r) => r.created)).toHaveLength(50);
    expect(await a.verifyAudit()).toMatchObject({ ok: true, entries: 50 });
    await es.indices.refresh({ index: `${prefix}audit` });
    const ids = await es.search<{ event_id: string }>({ index: `${prefix}audit`, size: 100, _source: ['event_id'] });
    expect(new Set(ids.hits.hits.map((h) => h._source!.event_id)).size).toBe(50);
    await a.drop();
    await Promise.all([a.close(), b.close()]);
  });
});

describe('Elasticsearch mapping migrations', () => {
  it('copies the documents into the new version and moves the alias; a dry run changes nothing', async () => {
    const prefix = `test-${randomUUID().slice(0, 8)}-`;
    const v1: IndexSpec = {
      name: 'things',
      version: 1,
      mappings: { dynamic: 'strict', properties: { name: { type: 'keyword' } } },
    };
    const v2: IndexSpec = {
      name: 'things',
      version: 2,
      mappings: { dynamic: 'strict', properties: { name: { type: 'keyword' }, folded: { type: 'keyword' } } },
      upgrade: (doc) => ({ ...doc, folded: String(doc.name).toLowerCase() }),
    };
    expect(await migrateIndices(es, prefix, [v1])).toEqual([
      { alias: `${prefix}things`, from: null, to: 1, documents: 0 },
    ]);
    for (let i = 0; i < 1_200; i += 400) {
      const operations = Array.from({ length: 400 }, (_, k) => [
        { index: { _index: `${prefix}things`, _id: `t${i + k}` } },
        { name: `Tên ${i + k}` },
      ]).flat();
      await es.bulk({ operations, refresh: true });
    }
    expect(await migrateIndices(es, prefix, [v2], { dryRun: true })).toEqual([
      { alias: `${prefix}things`, from: 1, to: 2, documents: 0 },
    ]);
    expect(Object.keys(await es.indices.getAlias({ name: `${prefix}things` }))).toEqual([`${prefix}things-v1`]);
    expect(await migrateIndices(es, prefix, [v2])).toEqual([
      { alias: `${prefix}things`, from: 1, to: 2, documents: 1_200 },
    ]);
    expect(Object.keys(await es.indices.getAlias({ name: `${prefix}things` }))).toEqual([`${prefix}things-v2`]);
    const doc = await es.get<{ name: string; folded: string }>({ index: `${prefix}things`, id: 't7' });
    expect(doc._source).toEqual({ name: 'Tên 7', folded: 'tên 7' });
    expect((await es.count({ index: `${prefix}things` })).count).toBe(1_200);
    expect(await migrateIndices(es, prefix, [v2])).toEqual([]);
    // Each version has its index template, so a re-created index gets the strict mapping again.
    expect((await es.indices.getIndexTemplate({ name: `${prefix}things-v2` })).index_templates).toHaveLength(1);
    await es.indices.delete({ index: `${prefix}things-v2` });
    await expect(
      es.index({ index: `${prefix}things-v2`, id: 'x', document: { name: 'a', colour: 'đỏ' } }),
    ).rejects.toThrow(/strict_dynamic_mapping_exception|not allowed/);
    await es.indices.delete({ index: `${prefix}things-*` }, { ignore: [404] });
    await es.indices.deleteIndexTemplate({ name: `${prefix}things-*` });
  });

  it('upgrades case documents of version 1 with reach, verdict time and what they await', async () => {
    // A version-1 case document, as the previous release wrote it: a real one without the new fields.
    const source = `test-${randomUUID().slice(0, 8)}-`;
    const store = await EsCaseStore.create({ node, prefix: source });
    const opened = await store.recordFlaggedPost({ ...flagged('p_1'), reach: 321 });
    await store.apply(opened.caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    await store.apply(opened.caseId, { action: 'verdict', verdict: 'false', note: '', sources: [] }, analyst);
    await store.apply(opened.caseId, { action: 'request_escalation', unit: 'PA05', summary: 's' }, analyst);
    const current = (await es.get<Record<string, unknown>>({ index: `${source}cases`, id: opened.caseId }))._source!;
    await store.drop();
    await store.close();
    const { reach, verdict_at, awaiting, ...v1doc } = current;
    expect({ reach, awaiting }).toEqual({ reach: 321, awaiting: ['escalation_approval'] });

    const spec = CASE_STORE_INDICES.find((s) => s.name === 'cases')!;
    const properties = { ...spec.mappings.properties };
    delete properties.reach;
    delete properties.verdict_at;
    delete properties.awaiting;
    const v1: IndexSpec = { name: 'cases', version: 1, mappings: { ...spec.mappings, properties } };
    const prefix = `test-${randomUUID().slice(0, 8)}-`;
    await migrateIndices(es, prefix, [v1]);
    await es.index({ index: `${prefix}cases`, id: opened.caseId, document: v1doc, refresh: true });
    expect(await migrateIndices(es, prefix, [spec])).toEqual([
      { alias: `${prefix}cases`, from: 1, to: spec.version, documents: 1 },
    ]);
    const upgraded = (await es.get<Record<string, unknown>>({ index: `${prefix}cases`, id: opened.caseId }))._source!;
    expect(upgraded).toMatchObject({ reach: 321, verdict_at, awaiting: ['escalation_approval'] });
    await es.indices.delete({ index: `${prefix}*` });
  });
});
