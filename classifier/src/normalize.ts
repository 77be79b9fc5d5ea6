/**
 * Vietnamese text normalization shared by every stage: the classifier, the post index and
 * search queries all fold text the same way, so a query typed without diacritics finds a post
 * written with them. One hand-written scanner does the work in a single pass (it is on the hot
 * path of every post); `normalizeText`, `tokenize` and `foldText` all use it.
 */
import { repairLegacyEncoding } from './internal/legacy.js';

// C0/C1 controls except tab and newline; zero-width characters and BOM.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff]/g;
const URL_PATTERN = /https?:\/\/\S+|www\.\S+/g;

/** Teencode and common abbreviations, keyed by the lower-case token as typed. */
const TEENCODE: ReadonlyMap<string, string> = new Map([
  ['ko', 'không'],
  ['k', 'không'],
  ['kh', 'không'],
  ['hok', 'không'],
  ['khong', 'không'],
  ['dc', 'được'],
  ['đc', 'được'],
  ['j', 'gì'],
  ['mn', 'mọi người'],
  ['mng', 'mọi người'],
  ['ng', 'người'],
  ['ns', 'nói'],
  ['vs', 'với'],
  ['bn', 'bạn'],
  ['r', 'rồi'],
  ['ck', 'chồng'],
  ['vk', 'vợ'],
  ['bv', 'bệnh viện'],
  ['sđt', 'số điện thoại'],
  ['sdt', 'số điện thoại'],
  ['tp', 'thành phố'],
  ['tphcm', 'thành phố hồ chí minh'],
  ['hcm', 'hồ chí minh'],
  ['hn', 'hà nội'],
  ['byt', 'bộ y tế'],
  ['syt', 'sở y tế'],
  ['vn', 'việt nam'],
  ['ae', 'anh em'],
  ['ace', 'anh chị em'],
  ['nt', 'nhắn tin'],
  ['trc', 'trước'],
  ['vaxin', 'vắc xin'],
  ['vacxin', 'vắc xin'],
  ['vacxine', 'vắc xin'],
  ['vaccine', 'vắc xin'],
  ['vaccin', 'vắc xin'],
]);

/**
 * Clean display text: lone surrogates replaced, legacy encodings repaired (TCVN3, VNI,
 * Windows-1258, UTF-8 read as Windows-1252), Unicode NFC, control and zero-width characters
 * removed. Case and punctuation are kept.
 */
export function cleanText(text: string): string {
  return repairLegacyEncoding(toWellFormed(text)).text.normalize('NFC').replace(CONTROL, '');
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Removes tone and vowel marks and maps đ→d; input may be NFC or NFD. */
export function foldDiacritics(text: string): string {
  if (isAscii(text)) return text;
  let out = '';
  for (const ch of text.normalize('NFC')) out += foldChar(ch);
  return out;
}

/**
 * Lower-cased, cleaned, teencode expanded as whole words (not inside document numbers such as
 * 824/KH-BCĐ), URLs and emoji removed, hashtags split, letters and !?. repeated three times or
 * more squeezed to one, whitespace collapsed. Idempotent.
 */
export function normalizeText(text: string): string {
  const parts: string[] = [];
  scan(
    text,
    (token) => parts.push(token),
    (sep) => parts.push(sep),
  );
  return parts.join('').replace(/ {2,}/g, ' ').trim();
}

/** Syllables of the normalized text (letters, digits and "/"), accented and folded. */
export function syllablePairs(text: string): { accented: string[]; folded: string[] } {
  const accented: string[] = [];
  const folded: string[] = [];
  const push = (t: string) => {
    const f = foldToken(t);
    // A lone combining mark folds to nothing: it is not a syllable.
    if (f === '') return;
    accented.push(t);
    folded.push(f);
  };
  scan(text, (token) => {
    // An expansion such as "mọi người" is two syllables.
    if (token.includes(' ')) for (const t of token.split(' ')) push(t);
    else push(token);
  });
  return { accented, folded };
}

/**
 * The folded syllables (what `syllablePairs(text).folded` gives, without the accented copy) and,
 * when `quoted` (a global pattern) matches the cleaned, lower-cased text, which syllables lie
 * inside its matches: the text without them is the text with the matches cut out.
 */
export function foldedSyllables(text: string, quoted?: RegExp): { folded: string[]; inQuote: boolean[] | null } {
  const s = prepare(text);
  const spans: number[] = [];
  if (quoted) for (const m of s.matchAll(quoted)) spans.push(m.index, m.index + m[0].length);
  const folded: string[] = [];
  const inQuote: boolean[] | null = spans.length > 0 ? [] : null;
  let q = false;
  const push = (t: string) => {
    const f = foldToken(t);
    if (f === '') return;
    folded.push(f);
    inQuote?.push(q);
  };
  scanPrepared(s, (token, at) => {
    if (inQuote) {
      q = false;
      for (let k = 0; k < spans.length; k += 2) if (at >= spans[k]! && at < spans[k + 1]!) q = true;
    }
    if (token.includes(' ')) for (const t of token.split(' ')) push(t);
    else push(token);
  });
  return { folded, inQuote };
}

/**
 * The folded search form: normalized, no diacritics, only letters, digits, "/" (document
 * numbers like 824/KH-BCĐ) and single spaces. Hyphens split syllables: "vắc-xin" = "vắc xin".
 */
export function foldText(text: string): string {
  return syllablePairs(text).folded.join(' ');
}

/** Splits folded text into syllables (Vietnamese writes one syllable per word-token). */
export function syllables(folded: string): string[] {
  return folded.split(' ').filter((s) => s.length > 0);
}

// ---------------------------------------------------------------- the scanner

enum Kind {
  Token = 0,
  Space = 1,
  Drop = 2,
  Punct = 3,
}
const kindCache = new Map<number, Kind>();
const LETTER_OR_DIGIT = /[\p{L}\p{N}\p{M}]/u;
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\ufe0f|\u20e3/u;
const SPACE = /\s/u;

function kindOf(code: number, ch: string): Kind {
  if (code < 0x80) {
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a))
      return Kind.Token;
    if (code === 0x2f) return Kind.Token; // "/" keeps document numbers whole
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) return Kind.Space;
    if (code === 0x23) return Kind.Space; // "#hashtag" → "hashtag"
    return Kind.Punct;
  }
  let kind = kindCache.get(code);
  if (kind === undefined) {
    kind = LETTER_OR_DIGIT.test(ch)
      ? Kind.Token
      : EMOJI.test(ch)
        ? Kind.Drop
        : SPACE.test(ch)
          ? Kind.Space
          : Kind.Punct;
    if (kindCache.size < 50_000) kindCache.set(code, kind);
  }
  return kind;
}

/**
 * Walks the cleaned, lower-cased text once: calls `onToken` for each word (teencode expanded,
 * repeats squeezed) and `onSeparator` for what lies between (punctuation squeezed; spaces, emoji
 * and "#" as one space).
 */
function scan(text: string, onToken: (token: string) => void, onSeparator?: (sep: string) => void): void {
  scanPrepared(prepare(text), onToken, onSeparator);
}

/** The text the scanner walks: cleaned, lower case, URLs removed. */
function prepare(text: string): string {
  return cleanText(text).toLowerCase().replace(URL_PATTERN, ' ');
}

/** `scan` over prepared text; `onToken` also gets the index where the token starts. */
function scanPrepared(
  s: string,
  onToken: (token: string, at: number) => void,
  onSeparator?: (sep: string) => void,
): void {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const code = s.charCodeAt(i);
    const isHigh = code >= 0xd800 && code <= 0xdbff && i + 1 < n;
    const ch = isHigh ? s.slice(i, i + 2) : s[i]!;
    const kind = kindOf(isHigh ? ch.codePointAt(0)! : code, ch);
    if (kind === Kind.Token) {
      let j = i;
      while (j < n) {
        const c = s.charCodeAt(j);
        const hi = c >= 0xd800 && c <= 0xdbff && j + 1 < n;
        const cj = hi ? s.slice(j, j + 2) : s[j]!;
        if (kindOf(hi ? cj.codePointAt(0)! : c, cj) !== Kind.Token) break;
        j += cj.length;
      }
      let token = squeeze(s.slice(i, j));
      // "/" is part of a token, so "824/kh" (from 824/KH-BCĐ) is a document number, not teencode.
      // Looked up by the folded form, so "ĵ" and "j" expand alike and folding stays idempotent.
      if (!token.includes('/')) token = TEENCODE.get(foldToken(token)) ?? token;
      onToken(token, i);
      i = j;
    } else {
      if (onSeparator) {
        if (kind === Kind.Punct) {
          // "!!!!" → "!", like repeated letters.
          let j = i + ch.length;
          if (ch === '!' || ch === '?' || ch === '.') while (s[j] === ch) j++;
          onSeparator(j - i >= 3 ? ch : s.slice(i, j));
          i = j;
          continue;
        }
        onSeparator(' ');
      }
      i += ch.length;
    }
  }
}

/** Squeezes a character repeated three or more times to one ("gấpppp" → "gấp"); digits stay. */
function squeeze(token: string): string {
  let runs = false;
  for (let i = 2; i < token.length; i++) {
    if (token.charCodeAt(i) === token.charCodeAt(i - 1) && token.charCodeAt(i) === token.charCodeAt(i - 2)) {
      runs = true;
      break;
    }
  }
  if (!runs) return token;
  let out = '';
  let changed = false;
  for (let i = 0; i < token.length; ) {
    const ch = token[i]!;
    let j = i + 1;
    while (token[j] === ch) j++;
    const isDigit = ch >= '0' && ch <= '9';
    if (j - i >= 3 && !isDigit) {
      out += ch;
      changed = true;
    } else out += token.slice(i, j);
    i = j;
  }
  return changed ? out : token;
}

// ---------------------------------------------------------------- folding

const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return ch;
  let f = foldCache.get(ch);
  if (f === undefined) {
    f = ch
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D');
    if (foldCache.size < 50_000) foldCache.set(ch, f);
  }
  return f;
}

const foldedTokens = new Map<string, string>();

function foldToken(token: string): string {
  // Unaccented tokens fold to themselves: checking a few characters beats a cache lookup.
  if (isAscii(token)) return token;
  const cached = foldedTokens.get(token);
  if (cached !== undefined) return cached;
  const folded = foldTokenUncached(token);
  // Vocabulary repeats a lot; a bounded cache keeps memory flat on hostile input.
  if (foldedTokens.size >= 100_000) foldedTokens.clear();
  foldedTokens.set(token, folded);
  return folded;
}

function foldTokenUncached(token: string): string {
  let ascii = true;
  for (let i = 0; i < token.length; i++) {
    if (token.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return token;
  let out = '';
  for (const ch of token) out += foldChar(ch);
  return out;
}

function toWellFormed(text: string): string {
  const native = (String.prototype as { toWellFormed?: () => string }).toWellFormed;
  if (native) return native.call(text);
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
