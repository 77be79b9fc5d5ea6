import { syllablePairs } from './normalize.js';

export interface Tokens {
  /** Normalized syllables with their diacritics ("vắc", "xin"). */
  readonly accented: readonly string[];
  /** The same syllables folded ("vac", "xin"); same length and order as `accented`. */
  readonly folded: readonly string[];
}

/**
 * Splits text into syllables, on the normalized accented form and on the folded form.
 * Vietnamese writes one syllable per space-separated token; words are syllable n-grams.
 */
export function tokenize(text: string): Tokens {
  return syllablePairs(text);
}

/** Syllable n-grams joined by a space: ngrams(["phong","toa","toan"], 2) → ["phong toa", "toa toan"]. */
export function ngrams(tokens: readonly string[], n: number): string[] {
  if (!(n >= 1)) throw new RangeError(`n must be at least 1, got ${n}`);
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}
