/**
 * Finds lexicon phrases (folded syllable sequences) in a post in one pass: every phrase is
 * keyed by its first syllable, so each position of the post costs one Map lookup plus a short
 * comparison for the phrases that start there.
 */
export interface PhraseHit {
  readonly phrase: string;
  /** Index of the first syllable of the match. */
  readonly at: number;
}

export class PhraseMatcher<T> {
  readonly #byFirst = new Map<string, { syllables: readonly string[]; phrase: string; tags: T[] }[]>();

  constructor(entries: Iterable<readonly [phrase: string, tag: T]>) {
    const byPhrase = new Map<string, { syllables: readonly string[]; phrase: string; tags: T[] }>();
    for (const [phrase, tag] of entries) {
      const syllables = phrase.split(' ').filter(Boolean);
      if (syllables.length === 0) continue;
      const key = syllables.join(' ');
      let entry = byPhrase.get(key);
      if (!entry) {
        entry = { syllables, phrase: key, tags: [] };
        byPhrase.set(key, entry);
        const list = this.#byFirst.get(syllables[0]!) ?? [];
        list.push(entry);
        this.#byFirst.set(syllables[0]!, list);
      }
      if (!entry.tags.includes(tag)) entry.tags.push(tag);
    }
  }

  /** Calls `onHit` for every occurrence of every phrase in the syllables. */
  scan(syllables: readonly string[], onHit: (tag: T, hit: PhraseHit) => void): void {
    for (let i = 0; i < syllables.length; i++) {
      const candidates = this.#byFirst.get(syllables[i]!);
      if (!candidates) continue;
      for (const c of candidates) {
        const n = c.syllables.length;
        if (i + n > syllables.length) continue;
        let ok = true;
        for (let k = 1; k < n; k++) {
          if (syllables[i + k] !== c.syllables[k]) {
            ok = false;
            break;
          }
        }
        if (ok) for (const tag of c.tags) onHit(tag, { phrase: c.phrase, at: i });
      }
    }
  }
}
