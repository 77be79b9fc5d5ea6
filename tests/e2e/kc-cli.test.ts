import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify } from '@kc/classifier';
import { CASE_STORE_INDICES, FsEvidenceStore, SqliteCaseStore } from '@kc/pipeline';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { POST_INDEX_SCHEMA_1 } from '../../pipeline/test/fixtures/old-schemas.js';
import { REPO_ROOT, tempDataDir } from '../helpers/app-process.js';

function kc(dataDir: string, args: string[], input?: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'infra/src/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, KC_DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
    input,
  });
}

/** A data directory with one flagged post's case (the store stays open). */
async function seedCase(dir: string) {
  const store = SqliteCaseStore.create({ file: join(dir, 'cases.sqlite') });
  const text = 'Phong tỏa toàn thành phố từ 0h đêm nay, cấm ra đường';
  const { caseId } = await store.recordFlaggedPost({
    postId: 'p_1',
    title: '',
    text,
    classification: classify(text),
    author: null,
    at: new Date().toISOString(),
  });
  return { store, caseId };
}

describe('kc command line', () => {
  it('adds users from stdin, refuses bad roles and duplicates with exit code 2', () => {
    const dir = tempDataDir('kc-cli-');
    const ok = kc(
      dir,
      ['users', 'add', '--username', 'an.nguyen', '--role', 'analyst', '--password-stdin'],
      'mat-khau-rat-dai\n',
    );
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Đã tạo tài khoản an.nguyen (analyst)');
    expect(
      kc(dir, ['users', 'add', '--username', 'an.nguyen', '--role', 'analyst', '--password-stdin'], 'x'.repeat(12))
        .status,
    ).toBe(2);
    const badRole = kc(dir, ['users', 'add', '--username', 'b', '--role', 'boss', '--password-stdin'], 'x');
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toMatch(/--role/);
    expect(kc(dir, ['users', 'list']).stdout).toMatch(/an\.nguyen\s+analyst/);
    expect(kc(dir, ['nonsense']).status).toBe(2);
  });

  it('detects an edited audit row and a tampered evidence file (exit code 1)', async () => {
    const dir = tempDataDir('kc-cli-');
    const { store, caseId } = await seedCase(dir);
    await store.apply(
      caseId,
      { action: 'assign', assignee: 'phantich' },
      { userId: 'u', username: 'phantich', role: 'analyst' },
    );
    await store.close();
    const evidence = FsEvidenceStore.create({ dir: join(dir, 'evidence') });
    const blob = await evidence.put(Buffer.from('<html>bằng chứng</html>'), {
      kind: 'html',
      url: 'https://x.vn/a',
      capturedAt: new Date().toISOString(),
      contentType: 'text/html',
    });

    expect(kc(dir, ['audit', 'verify']).stdout).toContain('nguyên vẹn: 2 mục');
    expect(kc(dir, ['evidence', 'verify']).stdout).toContain('nguyên vẹn: 1 tệp');

    const db = new Database(join(dir, 'cases.sqlite'));
    db.prepare(`UPDATE audit_log SET actor = 'giamsat' WHERE seq = 2`).run();
    db.close();
    const audit = kc(dir, ['audit', 'verify']);
    expect(audit.status).toBe(1);
    expect(audit.stdout).toContain('PHÁT HIỆN SAI LỆCH ở mục 2: entry 2 was modified');

    const prefix = join(dir, 'evidence', blob.sha256.slice(0, 2));
    expect(readdirSync(prefix)).toContain(blob.sha256);
    writeFileSync(join(prefix, blob.sha256), '<html>đã sửa</html>');
    const ev = kc(dir, ['evidence', 'verify']);
    expect(ev.status).toBe(1);
    expect(ev.stdout).toContain(blob.sha256);
  });
  it('migrates an old data directory and new Elasticsearch indices; a dry run only reports', async () => {
    const dir = tempDataDir('kc-cli-');
    // posts.sqlite as the first release left it (post index schema 1).
    const old = new Database(join(dir, 'posts.sqlite'));
    old.exec(POST_INDEX_SCHEMA_1);
    old.close();
    const version = () => {
      const db = new Database(join(dir, 'posts.sqlite'), { readonly: true });
      const v = db.prepare(`SELECT version FROM schema_migrations WHERE component = 'post_index'`).pluck().get();
      db.close();
      return v;
    };
    const node = process.env.ELASTICSEARCH_URL;
    if (!node) throw new Error('ELASTICSEARCH_URL is not set: the global setup should have started Elasticsearch');
    const env = {
      KC_CASE_STORE: 'elasticsearch',
      ELASTICSEARCH_URL: node,
      KC_ES_PREFIX: `mig-${randomUUID().slice(0, 8)}-`,
    };
    const dry = kc(dir, ['migrate', '--dry-run'], undefined, env);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('posts.sqlite post_index: v1 → v3 — sẽ nâng cấp');
    const casesVersion = CASE_STORE_INDICES.find((i) => i.name === 'cases')!.version;
    expect(dry.stdout).toContain(`elasticsearch ${env.KC_ES_PREFIX}cases: chưa có → v${casesVersion} — sẽ nâng cấp`);
    expect(version()).toBe(1);
    const run = kc(dir, ['migrate'], undefined, env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('posts.sqlite post_index: v1 → v3 — đã nâng cấp');
    expect(run.stdout).toContain(`elasticsearch ${env.KC_ES_PREFIX}audit: chưa có → v1 — đã nâng cấp`);
    expect(version()).toBe(3);
    const again = kc(dir, ['migrate'], undefined, env);
    expect(again.stdout).toContain('không có gì để nâng cấp');
    expect(kc(dir, ['migrate', '--bogus']).status).toBe(2);
  });
  it('backs up a running data directory, restores it after a wipe identical, and refuses a damaged backup', async () => {
    const dir = tempDataDir('kc-cli-');
    const { store, caseId } = await seedCase(dir);
    const analyst = { userId: 'u', username: 'phantich', role: 'analyst' as const };
    await store.apply(caseId, { action: 'assign', assignee: 'phantich' }, analyst);
    await store.apply(caseId, { action: 'verdict', verdict: 'false', note: 'Bộ Y tế bác bỏ', sources: [] }, analyst);
    const evidence = FsEvidenceStore.create({ dir: join(dir, 'evidence') });
    await evidence.put(Buffer.from('<html>bằng chứng</html>'), {
      kind: 'html',
      url: 'https://x.vn/a',
      capturedAt: new Date().toISOString(),
      contentType: 'text/html',
    });
    const before = {
      cases: await store.list({ limit: 10, offset: 0 }),
      audit: await store.audit(caseId),
    };
    // The store stays open while the backup runs: an online backup.
    const out = tempDataDir('kc-backups-');
    const made = kc(dir, ['backup', '--out', out]);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/Đã sao lưu \d+ tệp/);
    await store.close();
    const [backupDir] = readdirSync(out);
    expect(backupDir).toMatch(/^kc-backup-/);
    const manifest = JSON.parse(readFileSync(join(out, backupDir!, 'manifest.json'), 'utf8'));
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['cases.sqlite', expect.stringMatching(/^evidence\//)]),
    );

    // Wipe, restore, compare.
    rmSync(dir, { recursive: true, force: true });
    const restored = kc(dir, ['restore', '--from', join(out, backupDir!)]);
    expect(restored.status, restored.stderr).toBe(0);
    const again = SqliteCaseStore.create({ file: join(dir, 'cases.sqlite') });
    expect(await again.list({ limit: 10, offset: 0 })).toEqual(before.cases);
    expect(await again.audit(caseId)).toEqual(before.audit);
    expect(await again.verifyAudit()).toMatchObject({ ok: true, entries: 3 });
    await again.close();
    expect(kc(dir, ['evidence', 'verify']).stdout).toContain('nguyên vẹn: 1 tệp');
    // A second restore over live data needs --force.
    expect(kc(dir, ['restore', '--from', join(out, backupDir!)]).status).toBe(2);

    // One flipped byte in the backup: nothing is restored.
    const other = tempDataDir('kc-cli-');
    const evidenceFile = manifest.files.find((f: { path: string }) => f.path.startsWith('evidence/')).path;
    writeFileSync(join(out, backupDir!, evidenceFile), '<html>đã sửa</html>');
    const refused = kc(other, ['restore', '--from', join(out, backupDir!)]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(`${evidenceFile}: nội dung bị thay đổi`);
    expect(readdirSync(other)).toEqual([]);
  });
  it('writes the weekly report as DOCX, CSV or JSON, classifies a file, and answers --help', async () => {
    const dir = tempDataDir('kc-cli-');
    const { store } = await seedCase(dir);
    await store.close();
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const docx = kc(dir, ['report', 'weekly', '--from', today, '--to', today, '--out', join(dir, 'r.docx')]);
    expect(docx.status, docx.stderr).toBe(0);
    expect(readFileSync(join(dir, 'r.docx')).subarray(0, 2).toString('latin1')).toBe('PK');
    const csv = kc(dir, [
      'report',
      'weekly',
      '--from',
      today,
      '--to',
      today,
      '--format',
      'csv',
      '--out',
      join(dir, 'r.csv'),
    ]);
    expect(csv.status).toBe(0);
    expect(readFileSync(join(dir, 'r.csv'), 'utf8')).toContain('"Vụ việc theo loại","Lệnh phong tỏa giả","1"');
    const other = kc(dir, [
      'report',
      'weekly',
      '--from',
      today,
      '--to',
      today,
      '--district',
      'Kon Tum',
      '--format',
      'json',
      '--out',
      join(dir, 'r.json'),
    ]);
    expect(other.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toMatchObject({
      district: 'Kon Tum',
      casesByKind: {},
    });
    expect(kc(dir, ['report', 'weekly', '--from', '2021-13-40', '--to', today]).status).toBe(2);
    expect(kc(dir, ['report', 'weekly', '--from', today, '--to', '2020-01-01']).status).toBe(2);

    writeFileSync(join(dir, 'in.jsonl'), '{"id":"a","text":"Xông hơi lá sả diệt virus corona"}\nkhông phải JSON\n');
    const classified = kc(dir, ['classify', join(dir, 'in.jsonl')]);
    expect(classified.status).toBe(1); // one bad line
    expect(JSON.parse(classified.stdout.trim())).toMatchObject({ id: 'a', flagged: true, claimType: 'false_cure' });
    expect(classified.stderr).toMatch(/2/);

    const help = kc(dir, ['--help']);
    expect(help.status).toBe(0);
    for (const command of ['start', 'classify', 'report weekly', 'worker', 'migrate', 'backup', 'restore', 'engines']) {
      expect(help.stdout).toContain(`  ${command}`);
    }
  });
});
