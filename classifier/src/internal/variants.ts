/**
 * Rewrites a post the other ways people type it, for evaluation and tests: without
 * diacritics, in NFD (decomposed tone marks), and in teencode.
 */
import { foldDiacritics } from '../normalize.js';

export const VARIANTS = ['accented', 'no_diacritics', 'nfd', 'teencode'] as const;
export type Variant = (typeof VARIANTS)[number];

const TEENCODE_OUT: readonly [RegExp, string][] = [
  [/mọi người/giu, 'mn'],
  [/bệnh viện/giu, 'bv'],
  [/số điện thoại/giu, 'sđt'],
  [/thành phố/giu, 'tp'],
  [/vắc xin|vắc-xin|vaccine/giu, 'vacxin'],
  [/không/giu, 'ko'],
  [/được/giu, 'dc'],
  [/người/giu, 'ng'],
  [/với/giu, 'vs'],
  [/rồi/giu, 'r'],
  [/bạn/giu, 'bn'],
  [/gì/giu, 'j'],
  [/nói/giu, 'ns'],
  [/chồng/giu, 'ck'],
  [/vợ/giu, 'vk'],
  [/trước/giu, 'trc'],
];

/** Applies teencode abbreviations on whole words. */
export function toTeencode(text: string): string {
  let s = text.normalize('NFC');
  for (const [re, abbr] of TEENCODE_OUT) {
    s = s.replace(new RegExp(`(?<![\\p{L}\\p{N}])(?:${re.source})(?![\\p{L}\\p{N}])`, 'giu'), abbr);
  }
  return s;
}

export function variantOf(text: string, variant: Variant): string {
  switch (variant) {
    case 'accented':
      return text;
    case 'no_diacritics':
      return foldDiacritics(text.normalize('NFC'));
    case 'nfd':
      return text.normalize('NFD');
    case 'teencode':
      return toTeencode(text);
  }
}
