/**
 * Repairs Vietnamese text that arrives in a legacy encoding or mis-decoded: UTF-8 read as
 * Windows-1252/Latin-1 ("Viá»‡t"), Windows-1258 read as Latin-1, TCVN3/ABC font text
 * ("ViÖt"), and VNI Windows font text ("Vieät"). Each candidate decoding is scored by how many
 * characters are left that Vietnamese never uses; the best one wins only if it is strictly better.
 */
import { readFileSync } from 'node:fs';
import { CP1252, CP1258, TCVN3 } from './legacy-tables.js';

export type LegacyEncoding = 'utf8_as_cp1252' | 'cp1258' | 'tcvn3' | 'vni';

const VIETNAMESE_LETTERS =
  'aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵz';
const VIETNAMESE = new Set([...VIETNAMESE_LETTERS, ...VIETNAMESE_LETTERS.toUpperCase()]);
// Latin-1 and Windows-1252 punctuation that ordinary Vietnamese text does use.
const COMMON_SYMBOLS = new Set([...'\u00a0«»°±·–—‘’‚“”„…€₫×©®™']);
/**
 * Characters that ordinary Vietnamese text does not use but every legacy mis-decoding produces:
 * Latin-1 symbols and letters foreign to Vietnamese (UTF-8 continuation bytes, TCVN3's µ ¸ ¨ ®,
 * VNI's ø ï ä ñ, Windows-1258's ð Þ) and Windows-1252's extra letters. Accented Vietnamese
 * letters that Latin-1 shares (à á â ã è é ê …) are not suspect, so clean text takes the fast path.
 */
const SUSPECT =
  /[\u0080-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de-\u00df\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2020\u2021\u2030\u2039\u203a]/;

/** Characters that Vietnamese text would not contain; 0 for clean text. */
export function legacyBadness(text: string): number {
  let bad = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) continue;
    if (ch === '\ufffd') bad += 2;
    else if (code <= 0x2122 && !VIETNAMESE.has(ch) && !COMMON_SYMBOLS.has(ch) && !isCombiningMark(code)) bad++;
  }
  return bad + toneStacking(text);
}

/** Accented syllables seen in real Vietnamese text (classifier/data/syllables.txt). */
const KNOWN_SYLLABLES = new Set(
  readFileSync(new URL('../../data/syllables.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean),
);

/**
 * How Vietnamese the text looks, 0..1: the share of its accented words that are known Vietnamese
 * syllables, less a penalty for characters Vietnamese never uses.
 */
export function vietnameseScore(text: string): number {
  const words = text.toLowerCase().match(/[\p{L}\u0080-\u00ff]+/gu) ?? [];
  let accented = 0;
  let known = 0;
  for (const w of words) {
    if (/^[a-z]+$/.test(w)) continue;
    accented++;
    if (KNOWN_SYLLABLES.has(w)) known++;
  }
  const ratio = accented === 0 ? 0 : known / accented;
  return ratio - Math.min(1, legacyBadness(text) / Math.max(1, words.length));
}

/** Repairs the text if a legacy decoding makes it clearly more Vietnamese; else returns it as is. */
export function repairLegacyEncoding(text: string): { text: string; encoding: LegacyEncoding | null } {
  if (!SUSPECT.test(text)) return { text, encoding: null };
  if (legacyBadness(text) === 0 && vietnameseScore(text) > 0.5) return { text, encoding: null };
  let best = { text, encoding: null as LegacyEncoding | null, score: vietnameseScore(text) };
  for (const [encoding, decode] of DECODERS) {
    const candidate = decode(text);
    if (candidate === null || candidate === text) continue;
    const score = vietnameseScore(candidate);
    // A decoding must give mostly real syllables and be clearly better: "Señor Müller" stays.
    if (score >= 0.5 && score > best.score + 0.25) best = { text: candidate, encoding, score };
  }
  return { text: best.text, encoding: best.encoding };
}

function isCombiningMark(code: number): boolean {
  return code >= 0x300 && code <= 0x36f;
}

/** Vietnamese syllables carry one tone; a letter followed by a combining tone mark plus another is suspect. */
function toneStacking(text: string): number {
  const m = text
    .normalize('NFD')
    .match(/[\u0300\u0301\u0303\u0309\u0323][\u0300-\u036f]*[\u0300\u0301\u0303\u0309\u0323]/g);
  return m ? m.length : 0;
}

const reverse1252 = new Map<string, number>();
for (let b = 0x80; b <= 0xff; b++) {
  // Latin-1 decoders leave 0x80-0x9F as C1 controls; Windows-1252 decoders give punctuation.
  reverse1252.set(String.fromCharCode(b), b);
  const ch = CP1252.get(b);
  if (ch) reverse1252.set(ch, b);
}

/** The bytes the text had before it was decoded as Windows-1252/Latin-1; null if it cannot have been. */
function asSingleBytes(text: string): Uint8Array | null {
  const out = new Uint8Array(text.length);
  let i = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out[i++] = code;
    else {
      const b = reverse1252.get(ch);
      if (b === undefined) return null;
      out[i++] = b;
    }
  }
  return out.subarray(0, i);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function fromUtf8AsCp1252(text: string): string | null {
  const bytes = asSingleBytes(text);
  return bytes ? utf8.decode(bytes).normalize('NFC') : null;
}

function viaTable(table: ReadonlyMap<number, string>) {
  return (text: string): string | null => {
    const bytes = asSingleBytes(text);
    if (!bytes) return null;
    let out = '';
    for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : (table.get(b) ?? String.fromCharCode(b));
    return out.normalize('NFC');
  };
}

// VNI Windows: a base letter followed by mark characters. Built from the composition rules so
// that every Vietnamese letter has exactly one VNI spelling.
const VNI_TONES: readonly [string, string][] = [
  ['\u0301', 'ù'],
  ['\u0300', 'ø'],
  ['\u0309', 'û'],
  ['\u0303', 'õ'],
  ['\u0323', 'ï'],
];
const VNI_HAT_TONES: readonly [string, string][] = [
  ['', 'â'],
  ['\u0301', 'á'],
  ['\u0300', 'à'],
  ['\u0309', 'å'],
  ['\u0303', 'ã'],
  ['\u0323', 'ä'],
];
const VNI_BREVE_TONES: readonly [string, string][] = [
  ['', 'ê'],
  ['\u0301', 'é'],
  ['\u0300', 'è'],
  ['\u0309', 'ú'],
  ['\u0303', 'ü'],
  ['\u0323', 'ë'],
];
const VNI_I: readonly [string, string][] = [
  ['\u0301', 'í'],
  ['\u0300', 'ì'],
  ['\u0309', 'æ'],
  ['\u0303', 'ó'],
  ['\u0323', 'ò'],
];

function buildVni(): [string, string][] {
  const pairs: [string, string][] = [];
  const add = (vni: string, unicode: string, upper = true) => {
    pairs.push([vni, unicode.normalize('NFC')]);
    if (upper) pairs.push([vni.toUpperCase(), unicode.toUpperCase().normalize('NFC')]);
  };
  for (const v of ['a', 'e', 'o', 'u', 'y']) for (const [mark, vni] of VNI_TONES) add(v + vni, v + mark);
  for (const v of ['a', 'e', 'o']) for (const [mark, vni] of VNI_HAT_TONES) add(v + vni, `${v}\u0302${mark}`);
  for (const [mark, vni] of VNI_BREVE_TONES) add(`a${vni}`, `a\u0306${mark}`);
  for (const [mark, vni] of VNI_TONES) {
    add(`ô${vni}`, `o\u031b${mark}`);
    add(`ö${vni}`, `u\u031b${mark}`);
  }
  for (const [mark, vni] of VNI_I) add(vni, `i${mark}`);
  add('ô', 'o\u031b');
  add('ö', 'u\u031b');
  add('ñ', 'đ');
  add('î', 'y\u0323');
  // Longest first, so "aâ" is not read as "a" + "â".
  return pairs.sort((a, b) => b[0].length - a[0].length);
}
const VNI_PAIRS = buildVni();
const VNI_MAP = new Map(VNI_PAIRS);
const VNI_PATTERN = new RegExp(VNI_PAIRS.map(([k]) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');

function fromVni(text: string): string | null {
  return text.replace(VNI_PATTERN, (m) => VNI_MAP.get(m) ?? m).normalize('NFC');
}

const DECODERS: readonly [LegacyEncoding, (text: string) => string | null][] = [
  ['utf8_as_cp1252', fromUtf8AsCp1252],
  ['cp1258', viaTable(CP1258)],
  ['tcvn3', viaTable(TCVN3)],
  ['vni', fromVni],
];
