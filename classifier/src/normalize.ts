/**
 * Vietnamese text normalization shared by every stage: the classifier, the post index
 * and search queries all fold text the same way, so a query typed without diacritics
 * finds a post written with them.
 */

import { repairLegacyEncoding } from './internal/legacy.js';

const COMBINING_MARKS = /[\u0300-\u036f]/g;
// C0/C1 controls except tab and newline; zero-width characters and BOM.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff]/g;

/** Teencode and common abbreviations, keyed by the lower-case token as typed. */
const TEENCODE: Readonly<Record<string, string>> = {
  ko: 'không',
  k: 'không',
  kh: 'không',
  hok: 'không',
  khong: 'không',
  dc: 'được',
  đc: 'được',
  j: 'gì',
  mn: 'mọi người',
  mng: 'mọi người',
  ng: 'người',
  ns: 'nói',
  vs: 'với',
  bn: 'bạn',
  r: 'rồi',
  ck: 'chồng',
  vk: 'vợ',
  bv: 'bệnh viện',
  sđt: 'số điện thoại',
  sdt: 'số điện thoại',
  tp: 'thành phố',
  tphcm: 'thành phố hồ chí minh',
  hcm: 'hồ chí minh',
  hn: 'hà nội',
  byt: 'bộ y tế',
  syt: 'sở y tế',
  vn: 'việt nam',
  ae: 'anh em',
  ace: 'anh chị em',
  nt: 'nhắn tin',
  trc: 'trước',
  vaxin: 'vắc xin',
  vacxin: 'vắc xin',
  vacxine: 'vắc xin',
  vaccine: 'vắc xin',
  vaccin: 'vắc xin',
};

/**
 * Clean display text: lone surrogates replaced, legacy encodings repaired (TCVN3, VNI,
 * Windows-1258, UTF-8 read as Windows-1252), Unicode NFC, control and zero-width characters
 * removed. Case and punctuation are kept.
 */
export function cleanText(text: string): string {
  return repairLegacyEncoding(toWellFormed(text)).text.normalize('NFC').replace(CONTROL, '');
}

/** Removes tone and vowel marks and maps đ→d; input may be NFC or NFD. */
export function foldDiacritics(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/**
 * Lower-cased, NFC, teencode expanded, URLs and repeated letters reduced, whitespace collapsed.
 * Idempotent: normalizing twice gives the same text.
 */
export function normalizeText(text: string): string {
  let s = cleanText(text).toLowerCase();
  s = s.replace(/https?:\/\/\S+|www\.\S+/g, ' ');
  // "gấpppp" → "gấp", "!!!!" → "!"; Vietnamese never doubles a letter three times.
  s = s.replace(/(\p{L}|[!?.])\1{2,}/gu, '$1');
  s = s.replace(/#(\p{L}[\p{L}\p{N}_]*)/gu, ' $1 ');
  s = s.replace(/\p{Extended_Pictographic}|\p{Emoji_Modifier}|\ufe0f/gu, ' ');
  // Tokens inside document numbers ("824/KH-BCĐ", "15/2020/NĐ-CP") are abbreviations, not teencode.
  s = s.replace(/[\p{L}\p{N}]+/gu, (token, offset: number, whole: string) => {
    const before = whole[offset - 1];
    const after = whole[offset + token.length];
    if (before === '/' || before === '-' || after === '/' || after === '-') return token;
    return TEENCODE[token] ?? token;
  });
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * The folded search form: normalized, no diacritics, only letters, digits, "/" (document
 * numbers like 824/KH-BCĐ) and single spaces. Hyphens split syllables: "vắc-xin" = "vắc xin".
 */
export function foldText(text: string): string {
  return foldDiacritics(normalizeText(text))
    .replace(/[^\p{L}\p{N}/]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits folded text into syllables (Vietnamese writes one syllable per word-token). */
export function syllables(folded: string): string[] {
  return folded.split(' ').filter((s) => s.length > 0);
}

function toWellFormed(text: string): string {
  const native = (String.prototype as { toWellFormed?: () => string }).toWellFormed;
  if (native) return native.call(text);
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
