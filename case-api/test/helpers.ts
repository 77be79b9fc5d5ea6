import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify } from '@kc/classifier';
import { FsEvidenceStore, postId, type Role, SqliteCaseStore, SqlitePostIndex, SqliteUserStore } from '@kc/pipeline';
import { buildApp } from '../src/index.js';

export const PASSWORD = 'mat-khau-thu-nghiem';

/** Builds the app on real SQLite stores in a temporary directory, with one user per role. */
export async function build(
  options: { tips?: { tipsPerWindow?: number; windowMs?: number }; trustProxy?: string } = {},
) {
  const tips: { url: string; note: string }[] = [];
  const requests: { kind: 'evidence' | 'recrawl'; caseId: string; postIds: readonly string[] }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'kc-api-'));
  const cases = SqliteCaseStore.create({ file: join(dir, 'cases.sqlite') });
  const users = SqliteUserStore.create({ file: join(dir, 'cases.sqlite') });
  const index = SqlitePostIndex.create({ file: join(dir, 'posts.sqlite') });
  const evidence = FsEvidenceStore.create({ dir: join(dir, 'evidence') });
  const roles: Role[] = ['analyst', 'supervisor', 'press_office', 'police_liaison', 'admin'];
  for (const role of roles) await users.add({ username: role.replace('_', '-'), role, password: PASSWORD });
  const app = await buildApp(
    {
      cases,
      users,
      index,
      evidence,
      sessionTtlSeconds: 3600,
      status: async () => ({ ok: true }),
      // The API's boundary to the bus; the real ones (infra) publish the requests.
      requestEvidence: async (caseId, postIds) => void requests.push({ kind: 'evidence', caseId, postIds }),
      requestRecrawl: async (caseId, postIds) => void requests.push({ kind: 'recrawl', caseId, postIds }),
      // The API's boundary to the tip queue; the real one (infra) checks the URL and publishes.
      submitTip: async (tip) => {
        if (new URL(tip.url).hostname === '10.0.0.1')
          return { refused: '10.0.0.1 resolves to private address 10.0.0.1' };
        tips.push(tip);
        return { id: `tip_${tips.length}` };
      },
    },
    options,
  );
  const tokens: Record<string, string> = {};
  for (const role of roles) {
    const r = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: role.replace('_', '-'), password: PASSWORD },
    });
    tokens[role] = r.json().token;
  }
  const text = 'KHẨN: phong tỏa toàn thành phố từ 0h đêm nay, cấm ra đường';
  const url = 'https://tin.example.vn/khan';
  const post = {
    id: postId('web', { url }),
    platform: 'web' as const,
    sourceId: 'test',
    url,
    platformPostId: null,
    title: null,
    text,
    author: { handle: 'nguoi.dang', name: 'Người Đăng', profileUrl: 'https://facebook.com/nguoi.dang' },
    publishedAt: null,
    fetchedAt: new Date().toISOString(),
    region: null,
    metrics: null,
    evidence: [],
    tags: [],
    tipNote: null,
  };
  const classification = classify(text);
  await index.upsert([{ post, classification, indexedAt: new Date().toISOString() }]);
  const { caseId } = await cases.recordFlaggedPost({
    postId: post.id,
    title: '',
    text,
    classification,
    author: post.author,
    at: post.fetchedAt,
    platform: post.platform,
    region: post.region,
  });
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  return {
    app,
    tips,
    requests,
    caseId,
    as,
    index,
    cases,
    dir,
    close: async () => {
      await app.close();
      await cases.close();
      await users.close();
      await index.close();
    },
  };
}
