import { createHash } from 'node:crypto';
import type { CaseDetail, CaseEvent, EvidenceStore, IndexedPost, User } from '@kc/pipeline';
import { strToU8, zipSync } from 'fflate';

export interface BundleManifest {
  readonly caseId: string;
  readonly escalationId: string;
  readonly generatedAt: string;
  readonly generatedBy: string;
  readonly files: readonly { path: string; sha256: string; bytes: number }[];
}

const EXT: Record<string, string> = { html: 'html', screenshot: 'png' };

/**
 * The evidence bundle handed to the police: every post with its snapshots and screenshots, the
 * poster record, the verdict and its sources, the timeline, and a manifest with the SHA-256 of
 * every file so the bundle can be checked after it leaves the system.
 */
export async function evidenceBundle(input: {
  detail: CaseDetail;
  escalationId: string;
  posts: readonly IndexedPost[];
  timeline: readonly CaseEvent[];
  evidence: EvidenceStore;
  user: User;
}): Promise<{ zip: Uint8Array; manifest: BundleManifest }> {
  const { detail, posts, timeline, evidence, user } = input;
  const files: Record<string, Uint8Array> = {};
  const json = (v: unknown) => strToU8(`${JSON.stringify(v, null, 2)}\n`);
  files['case.json'] = json({
    case: detail.case,
    verdict: detail.case.verdict,
    corrections: detail.corrections,
    escalation: detail.escalations.find((e) => e.id === input.escalationId) ?? null,
  });
  files['poster.json'] = json(detail.poster);
  files['timeline.json'] = json(timeline);
  for (const { post, classification } of posts) {
    files[`posts/${post.id}.json`] = json({ post, classification });
    for (const ref of post.evidence) {
      const blob = await evidence.get(ref.sha256);
      if (!blob) continue;
      files[`evidence/${ref.sha256}.${EXT[ref.kind] ?? 'bin'}`] = new Uint8Array(blob.bytes);
    }
  }
  const manifest: BundleManifest = {
    caseId: detail.case.id,
    escalationId: input.escalationId,
    generatedAt: new Date().toISOString(),
    generatedBy: user.username,
    files: Object.entries(files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, bytes]) => ({
        path,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.byteLength,
      })),
  };
  files['manifest.json'] = json(manifest);
  return { zip: zipSync(files, { level: 6 }), manifest };
}
