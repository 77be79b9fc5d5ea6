import { foldText, syllables } from '@kc/classifier';

/**
 * Builds an FTS5 MATCH expression from what a user typed: folded syllables, each quoted, so
 * no FTS operator or column filter in the input is ever interpreted. Null when nothing is
 * left to search for.
 */
export function ftsQuery(input: string): string | null {
  const tokens = syllables(foldText(input)).map((t) => t.replace(/"/g, ''));
  const usable = tokens.filter((t) => t.length > 0).slice(0, 32);
  if (usable.length === 0) return null;
  return usable.map((t) => `"${t}"`).join(' ');
}

/** The text stored in FTS columns: the same folding the classifier uses. */
export function ftsText(...parts: (string | null | undefined)[]): string {
  return foldText(parts.filter(Boolean).join('\n'));
}

/** A LIKE pattern matching values that start with `prefix`, with its own % and _ taken literally (ESCAPE '\\'). */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
