import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { classify } from '@kc/classifier';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type CaseStore,
  ConflictError,
  EsCaseStore,
  NotFoundError,
  SqliteCaseStore,
} from '../../src/index.js';
import { tempDir } from '../helpers.js';

interface Opened {
  readonly store: CaseStore;
  /** Another store over the same data: a second process. */
  again(): Promise<CaseStore>;
  /** Edits or deletes audit entry `seq` behind the store's back (or puts the edit back). */
  tamper(seq: number, how: 'edit' | 'restore' | 'delete'): Promise<void>;
}

/** One contract, every CaseStore: SQLite and a real Elasticsearch node (random index names). */
const adapters: [string, (options?: { verdictDeadlineHours?: number }) => Promise<Opened>][] = [
  [
    'sqlite',
    async (options = {}) => {
      const file = join(tempDir(), 'cases.sqlite');
      const store = SqliteCaseStore.create({ file, ...options });
      return {
        store,
        again: async () => SqliteCaseStore.create({ file, ...options }),
        tamper: async (seq, how) => {
          const db = new Database(file);
          if (how === 'delete') db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq);
          else
            db.prepare('UPDATE audit_log SET actor = ? WHERE seq = ?').run(
              how === 'edit' ? 'giamsat' : 'phantich',
              seq,
            );
          db.close();
        },
      };
    },
  ],
  [
    'elasticsearch',
    async (options = {}) => {
      const node = process.env.ELASTICSEARCH_URL;
      if (!node) throw new Error('ELASTICSEARCH_URL is not set: the global setup should have started Elasticsearch');
      const prefix = `test-${randomUUID().slice(0, 8)}-`;
      const store = await EsCaseStore.create({ node, prefix, ...options });
      return {
        store,
        again: () => EsCaseStore.create({ node, prefix, ...options }),
        tamper: async (seq, how) => {
          const es = new Client({ node });
          const index = `${prefix}audit`;
          if (how === 'delete') await es.delete({ index, id: String(seq), refresh: true });
          else
            await es.update({
              index,
              id: String(seq),
              doc: { actor: how === 'edit' ? 'giamsat' : 'phantich' },
              refresh: true,
            });
          await es.close();
        },
      };
    },
  ],
];

const analyst: Actor = { userId: 'u1', username: 'phantich', role: 'analyst' };
const supervisor: Actor = { userId: 'u2', username: 'giamsat', role: 'supervisor' };

function flagged(postId: string, text = 'Phong tỏa toàn thành phố từ 0h đêm nay, cấm ra đường') {
  const classification = classify(text);
  expect(classification.flagged).toBe(true);
  return { postId, title: '', text, classification, author: null, at: new Date().toISOString() };
}

describe.each(adapters)('CaseStore contract: %s', (_name, open) => {
  it('opens a case for a claim, attaches reposts, and ignores redelivery of the same post', async () => {
    const { store } = await open();
    const a = await store.recordFlaggedPost(flagged('p_a'));
    const b = await store.recordFlaggedPost(flagged('p_b', 'phong toa toan tp tu 0h dem nay cam ra duong'));
    const again = await store.recordFlaggedPost(flagged('p_a'));
    expect(a).toMatchObject({ created: true, attached: true });
    expect(b).toEqual({ caseId: a.caseId, created: false, attached: true });
    expect(again).toEqual({ caseId: a.caseId, created: false, attached: false });
    const detail = await store.get(a.caseId);
    expect(detail?.postIds).toEqual(['p_a', 'p_b']);
    expect(detail?.case.postCount).toBe(2);
    expect((await store.list({ limit: 10, offset: 0 })).total).toBe(1);
    await store.close();
  });

  it('records a batch: one write and one audit entry per claim, duplicates and known posts once', async () => {
    const { store, again: other } = await open();
    // The known post was recorded by another process: its claim is new to this store too, so
    // both claims of the batch go the way of unseen claims (one already reserved elsewhere).
    const elsewhere = await other();
    const known = await elsewhere.recordFlaggedPost(
      flagged('p_known', 'Tiêm vắc xin Covid xong bị vô sinh, đừng cho con đi tiêm'),
    );
    const lockdown = (id: string) => flagged(id);
    const vaccine = (id: string) => flagged(id, 'tiem vac xin covid xong bi vo sinh, dung cho con di tiem');
    const batch = [
      lockdown('p_1'),
      vaccine('p_known'),
      lockdown('p_2'),
      vaccine('p_3'),
      lockdown('p_1'),
      lockdown('p_4'),
    ];
    const results = await store.recordFlaggedPosts(batch);
    const opened = results[0]!.caseId;
    expect(results).toEqual([
      { caseId: opened, created: true, attached: true },
      { caseId: known.caseId, created: false, attached: false },
      { caseId: opened, created: false, attached: true },
      { caseId: known.caseId, created: false, attached: true },
      { caseId: opened, created: false, attached: false }, // p_1 again in the same batch
      { caseId: opened, created: false, attached: true },
    ]);
    const lock = (await store.get(opened))!;
    expect([...lock.postIds].sort()).toEqual(['p_1', 'p_2', 'p_4']);
    expect(lock.case.postCount).toBe(3);
    expect((await store.audit(opened)).map((e) => [e.action, e.data])).toEqual([
      ['case_opened', { postId: 'p_1', claimKey: lock.case.claimKey }],
      ['post_attached', { postIds: ['p_2', 'p_4'] }],
    ]);
    const vax = (await store.get(known.caseId))!;
    expect([...vax.postIds].sort()).toEqual(['p_3', 'p_known']);
    expect((await store.audit(known.caseId)).map((e) => [e.action, e.data])).toEqual([
      ['case_opened', { postId: 'p_known', claimKey: vax.case.claimKey }],
      ['post_attached', { postId: 'p_3' }],
    ]);
    // The same batch delivered again changes nothing.
    const again = await store.recordFlaggedPosts(batch);
    expect(again.every((r) => !r.created && !r.attached)).toBe(true);
    expect((await store.get(opened))!.case.version).toBe(lock.case.version);
    expect((await store.audit(opened)).length + (await store.audit(known.caseId)).length).toBe(4);
    expect((await store.verifyAudit()).ok).toBe(true);
    expect(await store.recordFlaggedPosts([])).toEqual([]);
    await Promise.all([store.close(), elsewhere.close()]);
  });

  it('records a post given twice in a batch under two claims once, under the first', async () => {
    const { store } = await open();
    const lockdown = flagged('p_x');
    const vaccine = flagged('p_x', 'Tiêm vắc xin Covid xong bị vô sinh, đừng cho con đi tiêm');
    const [first, second] = await store.recordFlaggedPosts([lockdown, vaccine]);
    expect(first).toMatchObject({ created: true, attached: true });
    expect(second).toEqual({ caseId: first!.caseId, created: false, attached: false });
    const list = await store.list({ limit: 10, offset: 0 });
    expect(list.items.map((c) => [c.postCount, c.claimKey])).toEqual([[1, lockdown.classification.claimKey]]);
    await store.close();
  });

  it('enforces the workflow and versions', async () => {
    const { store } = await open();
    const { caseId } = await store.recordFlaggedPost(flagged('p_a'));
    await expect(
      store.apply(caseId, { action: 'verdict', verdict: 'false', note: '', sources: [] }, analyst),
    ).rejects.toThrow(ConflictError);
    const v1 = (await store.get(caseId))!.case.version;
    const assigned = await store.apply(caseId, { action: 'assign', assignee: 'phantich' }, analyst, v1);
    expect(assigned.case).toMatchObject({ status: 'in_review', assignee: 'phantich', version: v1 + 1 });
    await expect(
      store.apply(caseId, { action: 'verdict', verdict: 'false', note: '', sources: [] }, analyst, v1),
    ).rejects.toThrow(/changed since version/);
    const judged = await store.apply(
      caseId,
      { action: 'verdict', verdict: 'misleading', note: 'n', sources: [] },
      analyst,
    );
    expect(judged.case.status).toBe('verified_misleading');
    expect(judged.case.verdict).toMatchObject({ verdict: 'misleading', by: 'phantich', note: 'n' });
    await expect(store.apply('c_0000000000000000', { action: 'assign', assignee: 'x' }, analyst)).rejects.toThrow(
      NotFoundError,
    );
    await store.close();
  });

  it('lets exactly one of two concurrent verdicts win', async () => {
    const { store } = await open();
    const { caseId } = await store.recordFlaggedPost(flagged('p_a'));
    const { case: c } = await store.apply(caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    const results = await Promise.allSettled([
      store.apply(caseId, { action: 'verdict', verdict: 'false', note: 'a', sources: [] }, analyst, c.version),
      store.apply(caseId, { action: 'verdict', verdict: 'true', note: 'b', sources: [] }, supervisor, c.version),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(1);
    expect((await store.audit(caseId)).filter((e) => e.action === 'verdict')).toHaveLength(1);
    await store.close();
  });

  it('runs an escalation through approval and acknowledgement, once', async () => {
    const { store } = await open();
    const { caseId } = await store.recordFlaggedPost(flagged('p_a'));
    await store.apply(caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    await store.apply(caseId, { action: 'verdict', verdict: 'false', note: '', sources: [] }, analyst);
    const req = await store.apply(caseId, { action: 'request_escalation', unit: 'PA05', summary: 's' }, analyst);
    const esc = req.escalations[0]!;
    expect(esc.status).toBe('pending_approval');
    expect(await store.caseIdOfEscalation(esc.id)).toBe(caseId);
    expect((await store.list({ escalatedOnly: true, limit: 10, offset: 0 })).total).toBe(0);
    const approved = await store.apply(caseId, { action: 'approve_escalation', escalationId: esc.id }, supervisor);
    expect(approved.case.status).toBe('escalated');
    expect((await store.list({ escalatedOnly: true, limit: 10, offset: 0 })).total).toBe(1);
    await expect(
      store.apply(caseId, { action: 'approve_escalation', escalationId: esc.id }, supervisor),
    ).rejects.toThrow(ConflictError);
    const police: Actor = { userId: 'u3', username: 'congan', role: 'police_liaison' };
    const ack = await store.apply(caseId, { action: 'acknowledge_escalation', escalationId: esc.id }, police);
    expect(ack.escalations[0]).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'congan' });
    await store.close();
  });

  it('detects an edited or deleted audit entry', async () => {
    const { store, tamper, again } = await open();
    const { caseId } = await store.recordFlaggedPost(flagged('p_a'));
    await store.apply(caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    await store.apply(caseId, { action: 'verdict', verdict: 'false', note: 'ok', sources: [] }, analyst);
    expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 3 });
    await store.close();

    await tamper(2, 'edit');
    const tampered = await again();
    expect(await tampered.verifyAudit()).toMatchObject({ ok: false, brokenAt: 2, reason: 'entry 2 was modified' });
    await tampered.close();

    await tamper(2, 'restore');
    await tamper(2, 'delete');
    const deleted = await again();
    expect(await deleted.verifyAudit()).toMatchObject({ ok: false, brokenAt: 2, reason: 'entry 2 is missing' });
    await deleted.close();
  });

  it('two stores over the same data (two processes) open one case per claim and keep one chain', async () => {
    const { store, again } = await open();
    const other = await again();
    const posts = Array.from({ length: 8 }, (_, i) => flagged(`p_${i}`));
    const results = await Promise.all(posts.map((p, i) => (i % 2 ? store : other).recordFlaggedPost(p)));
    expect(new Set(results.map((r) => r.caseId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const detail = await store.get(results[0]!.caseId);
    expect(detail!.case.postCount).toBe(8);
    expect([...detail!.postIds].sort()).toEqual(posts.map((p) => p.postId).sort());
    const { case: c } = await other.apply(results[0]!.caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    const verdicts = await Promise.allSettled([
      store.apply(c.id, { action: 'verdict', verdict: 'false', note: 'a', sources: [] }, analyst, c.version),
      other.apply(c.id, { action: 'verdict', verdict: 'true', note: 'b', sources: [] }, supervisor, c.version),
    ]);
    expect(verdicts.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 8 + 1 + 1 });
    expect((await other.audit(c.id)).map((e) => e.action).filter((a) => a === 'verdict')).toHaveLength(1);
    await Promise.all([store.close(), other.close()]);
  });

  it('searches cases without diacritics', async () => {
    const { store } = await open();
    await store.recordFlaggedPost(flagged('p_a'));
    expect((await store.list({ q: 'cam ra duong', limit: 10, offset: 0 })).total).toBe(1);
    expect((await store.list({ q: 'vô sinh', limit: 10, offset: 0 })).total).toBe(0);
    expect((await store.list({ q: '"*', limit: 10, offset: 0 })).total).toBe(0);
    await store.close();
  });

  it('ranks by priority (severity × reach), lists overdue verdicts, and dismisses from triage', async () => {
    const { store } = await open({ verdictDeadlineHours: 0.0001 });
    const lockdown = await store.recordFlaggedPost({ ...flagged('p_a'), reach: 5000 });
    const quiet = await store.recordFlaggedPost({
      ...flagged('p_b', 'Dịch là do bill gates tạo ra để giảm dân số, bịa ra hết, covid là giả'),
      reach: 3,
    });
    const byPriority = await store.list({ sort: 'priority', limit: 10, offset: 0 });
    expect(byPriority.items.map((c) => c.id)).toEqual([lockdown.caseId, quiet.caseId]);
    expect(byPriority.items[0]!.priority).toBeGreaterThan(byPriority.items[1]!.priority);
    expect(byPriority.items[0]!.reach).toBe(5000);
    await new Promise((r) => setTimeout(r, 500));
    expect((await store.list({ overdue: true, limit: 10, offset: 0 })).total).toBe(2);
    await store.apply(quiet.caseId, { action: 'dismiss', note: 'Thuyết âm mưu cũ, không có người chia sẻ' }, analyst);
    const overdue = await store.list({ overdue: true, limit: 10, offset: 0 });
    expect(overdue.items.map((c) => c.id)).toEqual([lockdown.caseId]);
    expect((await store.get(quiet.caseId))!.case.status).toBe('dismissed');
    await store.close();
  });

  it('erases poster identity on long-dismissed cases only, and hands out due corrections once', async () => {
    const { store } = await open();
    const { caseId } = await store.recordFlaggedPost(flagged('p_a'));
    await store.apply(
      caseId,
      {
        action: 'link_poster',
        platform: 'facebook',
        handle: 'x',
        profileUrl: 'https://facebook.com/x',
        displayName: null,
        identity: { realName: 'Trần Văn B', phone: '0905000111' },
      },
      analyst,
    );
    const posterId = (await store.get(caseId))!.poster!.id;
    expect(await store.eraseDismissedIdentities(0, 'system:retention')).toEqual([]); // the case is still open
    await store.apply(caseId, { action: 'dismiss', note: 'Không phải tin về dịch' }, analyst);
    expect(await store.eraseDismissedIdentities(30, 'system:retention')).toEqual([]); // dismissed too recently
    await new Promise((r) => setTimeout(r, 5));
    expect(await store.eraseDismissedIdentities(0, 'system:retention')).toEqual([posterId]);
    expect((await store.poster(posterId))!.poster.identity).toBeNull();

    const other = await store.recordFlaggedPost(
      flagged('p_c', 'Tiêm vắc xin Covid xong bị vô sinh, đừng cho con đi tiêm'),
    );
    await store.apply(other.caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    await store.apply(other.caseId, { action: 'verdict', verdict: 'false', note: '', sources: [] }, analyst);
    const past = new Date(Date.now() - 1000).toISOString();
    await store.apply(
      other.caseId,
      { action: 'request_correction', recipient: 'Trang X', channel: 'letter', message: 'm', dueAt: past },
      analyst,
    );
    const due = await store.claimDueCorrections(new Date().toISOString());
    expect(due).toEqual([{ caseId: other.caseId, correctionId: expect.stringMatching(/^cr_/), postIds: ['p_c'] }]);
    expect(await store.claimDueCorrections(new Date().toISOString())).toEqual([]);
    await store.close();
  });
  it('filters cases by claim kind, platform, region (prefix) and opening date, and reports a district', async () => {
    const { store } = await open();
    const lockdownGiaLai = await store.recordFlaggedPost({
      ...flagged('p_1'),
      platform: 'facebook',
      region: 'Gia Lai / TP. Pleiku',
    });
    await store.recordFlaggedPost({ ...flagged('p_2'), platform: 'zalo', region: 'Gia Lai / Chư Sê' });
    const cure = await store.recordFlaggedPost({
      ...flagged('p_3', 'Xông hơi sả chanh diệt virus corona trong phổi, khỏi covid'),
      platform: 'web',
      region: 'Đà Nẵng',
    });
    const total = async (q: Omit<Parameters<typeof store.list>[0], 'limit' | 'offset'>) =>
      (await store.list({ ...q, limit: 10, offset: 0 })).total;
    expect(await total({})).toBe(2);
    expect(await total({ platform: 'zalo' })).toBe(1);
    expect(await total({ platform: 'youtube' })).toBe(0);
    expect(await total({ region: 'Gia Lai' })).toBe(1);
    expect(await total({ region: 'Đà Nẵng' })).toBe(1);
    expect(await total({ region: '%' })).toBe(0);
    expect(await total({ claimType: ['false_cure'] })).toBe(1);
    expect(await total({ claimType: ['false_cure', 'fake_order'] })).toBe(2);
    const list = await store.list({ region: 'Gia Lai', limit: 10, offset: 0 });
    expect(list.items.map((c) => c.id)).toEqual([lockdownGiaLai.caseId]);
    const hour = 3_600_000;
    const from = new Date(Date.now() - hour).toISOString();
    const to = new Date(Date.now() + hour).toISOString();
    expect(await total({ from, to })).toBe(2);
    expect(await total({ to: from })).toBe(0);
    const noVerdict = await store.report(from, to);
    expect(noVerdict.timeToVerdict).toEqual({ count: 0, medianHours: null, p90Hours: null });
    await store.apply(cure.caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    await store.apply(cure.caseId, { action: 'verdict', verdict: 'false', note: '', sources: [] }, analyst);
    const all = await store.report(from, to);
    expect(Object.values(all.casesByKind).reduce((a, b) => a + b, 0)).toBe(2);
    expect(all.timeToVerdict).toEqual({ count: 1, medianHours: 0, p90Hours: 0 });
    expect((await store.report(from, to, 'Gia Lai')).timeToVerdict.count).toBe(0);
    const district = await store.report(from, to, 'Đà Nẵng');
    expect(district.casesByKind).toEqual({ false_cure: 1 });
    expect(district.top.map((c) => c.id)).toEqual([cure.caseId]);
    expect((await store.report(from, to, 'Kon Tum')).top).toEqual([]);
    await store.close();
  });

  it('lists cases awaiting an approval or a publication, sorts by reach, and counts work per assignee', async () => {
    const { store } = await open({ verdictDeadlineHours: 1 });
    const lockdown = await store.recordFlaggedPost({ ...flagged('p_1'), reach: 50 });
    const cure = await store.recordFlaggedPost({
      ...flagged('p_2', 'Xông hơi sả chanh diệt virus corona trong phổi, khỏi covid'),
      reach: 9_000,
    });
    const vaccine = await store.recordFlaggedPost({
      ...flagged('p_3', 'Tiêm vắc xin Covid xong bị vô sinh, đừng cho con đi tiêm'),
      reach: 700,
    });
    const ids = async (q: Omit<Parameters<typeof store.list>[0], 'limit' | 'offset'>) =>
      (await store.list({ ...q, limit: 10, offset: 0 })).items.map((c) => c.id);
    expect(await ids({ sort: 'reach' })).toEqual([cure.caseId, vaccine.caseId, lockdown.caseId]);

    for (const c of [lockdown, cure, vaccine])
      await store.apply(c.caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    await store.apply(vaccine.caseId, { action: 'assign', assignee: 'phantich2' }, supervisor);
    expect(await store.workload()).toEqual([
      { assignee: 'phantich', inReview: 2, overdue: 0 },
      { assignee: 'phantich2', inReview: 1, overdue: 0 },
    ]);

    for (const c of [lockdown, cure]) {
      await store.apply(c.caseId, { action: 'verdict', verdict: 'false', note: '', sources: [] }, analyst);
    }
    expect(await store.workload()).toEqual([{ assignee: 'phantich2', inReview: 1, overdue: 0 }]);
    expect(await ids({ awaiting: ['escalation_approval', 'rebuttal_approval', 'rebuttal_publication'] })).toEqual([]);
    await store.apply(lockdown.caseId, { action: 'request_escalation', unit: 'PA05', summary: 's' }, analyst);
    const drafted = await store.apply(
      cure.caseId,
      { action: 'draft_rebuttal', title: 't', body: 'b', sources: ['https://moh.gov.vn/'] },
      supervisor,
    );
    expect(await ids({ awaiting: ['escalation_approval'] })).toEqual([lockdown.caseId]);
    expect(await ids({ awaiting: ['rebuttal_approval'] })).toEqual([cure.caseId]);
    expect(await ids({ awaiting: ['escalation_approval', 'rebuttal_approval'], sort: 'reach' })).toEqual([
      cure.caseId,
      lockdown.caseId,
    ]);
    await store.apply(cure.caseId, { action: 'approve_rebuttal', rebuttalId: drafted.rebuttals[0]!.id }, supervisor);
    expect(await ids({ awaiting: ['rebuttal_approval'] })).toEqual([]);
    expect(await ids({ awaiting: ['rebuttal_publication'] })).toEqual([cure.caseId]);
    await store.close();
  });
});
