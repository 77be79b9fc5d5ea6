/**
 * Finds lexicon phrases (folded syllable sequences) in a post in one pass. The phrases form a
 * trie keyed by syllable hash: each position of the post walks down it one integer Map lookup
 * per syllable for as long as some phrase still fits, so the cost does not grow with the number
 * of phrases that share a first syllable. A node also keeps its syllable, compared as a string,
 * so a hash collision never makes a false hit.
 */
import { tokenHash } from './model.js';

export interface PhraseHit {
  readonly phrase: string;
  /** Index of the first syllable of the match. */
  readonly at: number;
  /** Number of syllables matched. */
  readonly length: number;
}

interface Node<T> {
  readonly syllable: string;
  readonly next: Map<number, Node<T>>;
  /** The phrase ending here, and its tags. */
  phrase: string | null;
  readonly tags: T[];
}

export class PhraseMatcher<T> {
  readonly #root = new Map<number, Node<T>>();
  /** Bit per low 16 bits of a first-syllable hash: most syllables of a post start no phrase. */
  readonly #starts = new Uint8Array(1 << 13);

  constructor(entries: Iterable<readonly [phrase: string, tag: T]>) {
    for (const [phrase, tag] of entries) {
      const syllables = phrase.split(' ').filter(Boolean);
      if (syllables.length === 0) continue;
      let level = this.#root;
      let node: Node<T> | undefined;
      for (const s of syllables) {
        // Signed 32-bit keys are small integers to V8, which a Map looks up fastest.
        const h = tokenHash(s) | 0;
        if (level === this.#root) this.#starts[(h & 0xffff) >>> 3]! |= 1 << (h & 7);
        node = level.get(h);
        if (!node) {
          node = { syllable: s, next: new Map(), phrase: null, tags: [] };
          level.set(h, node);
        } else if (node.syllable !== s) {
          throw new Error(`syllables "${s}" and "${node.syllable}" share a hash`);
        }
        level = node.next;
      }
      node!.phrase = syllables.join(' ');
      if (!node!.tags.includes(tag)) node!.tags.push(tag);
    }
  }

  /**
   * Calls `onHit` for every occurrence of every phrase in the syllables; `hashes` are their
   * tokenHash values (computed here when not given).
   */
  scan(
    syllables: readonly string[],
    onHit: (tag: T, hit: PhraseHit) => void,
    hashes: readonly number[] = syllables.map(tokenHash),
  ): void {
    const n = hashes.length;
    const starts = this.#starts;
    for (let i = 0; i < n; i++) {
      const h = hashes[i]! | 0;
      if ((starts[(h & 0xffff) >>> 3]! & (1 << (h & 7))) === 0) continue;
      let level = this.#root;
      for (let k = i; k < n; k++) {
        const node = level.get(hashes[k]! | 0);
        if (!node || node.syllable !== syllables[k]) break;
        if (node.phrase !== null) {
          const hit = { phrase: node.phrase, at: i, length: k - i + 1 };
          for (const tag of node.tags) onHit(tag, hit);
        }
        if (node.next.size === 0) break;
        level = node.next;
      }
    }
  }
}
