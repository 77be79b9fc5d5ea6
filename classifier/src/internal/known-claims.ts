import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { foldText, syllables } from '../normalize.js';
import { ClaimKindSchema } from '../schema.js';
import { bigramHashes, mix, tokenHash } from './model.js';

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
  /** Syllable bigram hash sets of the canonical claim and each variant. */
  readonly shingles: readonly ReadonlySet<number>[];
}

export interface KnownClaimMatch {
  readonly claim: KnownClaim;
  /** Share of the best variant's bigrams found in the post, 0..1. */
  readonly containment: number;
}

/** Hashed syllable bigrams of folded text (a string or its syllables). */
export function bigrams(folded: string | readonly string[]): Set<number> {
  return bigramHashes((typeof folded === 'string' ? syllables(folded) : folded).map(tokenHash));
}

/** Known claims with an inverted index from bigram to the variants that contain it. */
export class KnownClaimIndex {
  readonly entries: readonly KnownClaimIndexEntry[];
  readonly #postings = new Map<number, number[]>();
  readonly #sizes: number[] = [];
  readonly #owner: number[] = [];

  constructor(entries: readonly KnownClaimIndexEntry[]) {
    this.entries = entries;
    entries.forEach((entry, e) => {
      for (const variant of entry.shingles) {
        const v = this.#sizes.length;
        this.#sizes.push(variant.size);
        this.#owner.push(e);
        // Signed 32-bit keys are small integers to V8, which a Map looks up fastest.
        for (const g of variant) {
          const list = this.#postings.get(g | 0);
          if (list) list.push(v);
          else this.#postings.set(g | 0, [v]);
        }
      }
    });
  }

  /** Claims whose canonical text or a variant is mostly contained in the post, best first. */
  match(postBigrams: ReadonlySet<number>, threshold: number): KnownClaimMatch[] {
    const hits = new Map<number, number>();
    for (const g of postBigrams) {
      const list = this.#postings.get(g | 0);
      if (list) for (const v of list) hits.set(v, (hits.get(v) ?? 0) + 1);
    }
    return this.#best(hits, threshold);
  }

  /**
   * The same as `match(bigramHashes(hashes), threshold)` from the post's syllable hashes: only
   * the bigrams some known claim contains are collected, most posts share none.
   */
  matchSyllables(hashes: readonly number[], threshold: number): KnownClaimMatch[] {
    let seen: Set<number> | undefined;
    let hits: Map<number, number> | undefined;
    for (let i = 1; i < hashes.length; i++) {
      const g = mix(hashes[i - 1]!, hashes[i]!) | 0;
      const list = this.#postings.get(g);
      if (!list) continue;
      seen ??= new Set();
      if (seen.has(g)) continue;
      seen.add(g);
      hits ??= new Map();
      for (const v of list) hits.set(v, (hits.get(v) ?? 0) + 1);
    }
    return hits ? this.#best(hits, threshold) : [];
  }

  #best(hits: ReadonlyMap<number, number>, threshold: number): KnownClaimMatch[] {
    if (hits.size === 0) return [];
    const best = new Map<number, number>();
    for (const [v, n] of hits) {
      const size = this.#sizes[v]!;
      if (size === 0) continue;
      const e = this.#owner[v]!;
      best.set(e, Math.max(best.get(e) ?? 0, n / size));
    }
    const out: KnownClaimMatch[] = [];
    for (const [e, containment] of best)
      if (containment >= threshold) out.push({ claim: this.entries[e]!.claim, containment });
    return out.sort((a, b) => b.containment - a.containment || a.claim.id.localeCompare(b.claim.id));
  }
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
  postBigrams: ReadonlySet<number>,
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
