import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { foldText, syllables } from '../normalize.js';
import { ClaimKindSchema } from '../schema.js';

export const KnownClaimSchema = z.object({
  id: z.string().regex(/^kc-\d{4}-\d{4}$/),
  kind: ClaimKindSchema,
  claim: z.string().min(1),
  variants: z.array(z.string().min(1)),
  debunkUrl: z.url(),
  debunkedAt: z.iso.date(),
});
export type KnownClaim = z.infer<typeof KnownClaimSchema>;

export interface KnownClaimIndexEntry {
  readonly claim: KnownClaim;
  /** Syllable bigram sets of the canonical claim and each variant. */
  readonly shingles: readonly ReadonlySet<string>[];
}

export interface KnownClaimMatch {
  readonly claim: KnownClaim;
  /** Share of the best variant's bigrams found in the post, 0..1. */
  readonly containment: number;
}

export function bigrams(folded: string): Set<string> {
  const syl = syllables(folded);
  const out = new Set<string>();
  for (let i = 0; i + 1 < syl.length; i++) out.add(`${syl[i]} ${syl[i + 1]}`);
  return out;
}

export function loadKnownClaims(file: URL): KnownClaimIndexEntry[] {
  const parsed = z.array(KnownClaimSchema).parse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.map((claim) => ({
    claim,
    shingles: [claim.claim, ...claim.variants].map((v) => bigrams(foldText(v))),
  }));
}

/** Known claims whose canonical text or a variant is mostly contained in the post. */
export function matchKnownClaims(
  index: readonly KnownClaimIndexEntry[],
  postBigrams: ReadonlySet<string>,
  threshold: number,
): KnownClaimMatch[] {
  const matches: KnownClaimMatch[] = [];
  for (const entry of index) {
    let best = 0;
    for (const variant of entry.shingles) {
      if (variant.size === 0) continue;
      let hit = 0;
      for (const g of variant) if (postBigrams.has(g)) hit++;
      best = Math.max(best, hit / variant.size);
    }
    if (best >= threshold) matches.push({ claim: entry.claim, containment: best });
  }
  return matches.sort((a, b) => b.containment - a.containment);
}
