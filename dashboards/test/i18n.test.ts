/**
 * The console's English (public/i18n.js) checked against public/app.js, read with the TypeScript
 * parser rather than a browser: every t('…') key has its English and every English entry is still
 * used; no Vietnamese text reaches the page without going through t(); the placeholders of each
 * English text are those of its Vietnamese. Then t() itself. The console in English in a real
 * browser is tests/browser/i18n.test.ts.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { EN, lang, locale, setLang, t } from '../public/i18n.js';

const APP = readFileSync(new URL('../public/app.js', import.meta.url), 'utf8');

/** Letters of Vietnamese beyond ASCII (ă â đ ê ô ơ ư, the tone marks, combining or not); not × or ÷. */
const VIETNAMESE = /[\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]|[\u0300-\u036F]/u;

/**
 * Literals of app.js that may hold Vietnamese outside t(), as written in the source, with why.
 * Each must still be in app.js (a stale entry fails), so the list cannot quietly grow.
 */
const ALLOWED = new Map([
  // highlighted() folds đ to d so the classifier's folded phrases land on the original text: not text shown.
  ['/đ/g', 'folding regex'],
  // The switch names each language in that language ("English", "Tiếng Việt"), whichever is on.
  ["'Tiếng Việt'", 'endonym on the language switch'],
  // Default of the rebuttal's "published on": stored in the rebuttal record as data, which the
  // Vietnamese documents quote; the user edits it.
  ["'Cổng thông tin điện tử tỉnh'", 'default field value, stored as data'],
  // Default receiving unit of a police referral: the unit's official name, stored in the referral
  // and printed in the Vietnamese evidence bundle.
  [
    "'Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao – Công an tỉnh'",
    'default field value, an official name',
  ],
]);

interface Source {
  readonly file: ts.SourceFile;
  /** Where a node starts, as "line:column" (1-based), for messages. */
  at(node: ts.Node): string;
}

function parse(source: string): Source {
  const file = ts.createSourceFile('app.js', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  return {
    file,
    at(node) {
      const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
      return `${line + 1}:${character + 1}`;
    },
  };
}

function visit(node: ts.Node, fn: (node: ts.Node) => void): void {
  fn(node);
  ts.forEachChild(node, (child) => visit(child, fn));
}

const isTCall = (node: ts.Node): node is ts.CallExpression =>
  ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 't';

/** The first arguments of the t() calls, with the calls whose first argument is no string literal. */
function keysOf(src: Source): { keys: Set<string>; dynamic: string[] } {
  const keys = new Set<string>();
  const dynamic: string[] = [];
  visit(src.file, (node) => {
    if (!isTCall(node)) return;
    const [first] = node.arguments;
    if (first && ts.isStringLiteral(first)) keys.add(first.text);
    else dynamic.push(`${src.at(node)} ${node.getText(src.file)}`);
  });
  return { keys, dynamic };
}

/**
 * Literals holding Vietnamese that do not reach the page through t(): strings other than t's first
 * argument, any template literal (values go in t()'s `vars`), regular expressions. Comments are not
 * literals: they are free to be Vietnamese.
 */
function untranslated(src: Source): string[] {
  const found: string[] = [];
  visit(src.file, (node) => {
    const literal =
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) ||
      ts.isRegularExpressionLiteral(node);
    if (!literal) return;
    const text = node.getText(src.file);
    if (!VIETNAMESE.test(text) || ALLOWED.has(text)) return;
    if (ts.isStringLiteral(node) && isTCall(node.parent) && node.parent.arguments[0] === node) return;
    found.push(`${src.at(node)} ${text}`);
  });
  return found;
}

/** Names bound to `t` other than the import (a local `t` would turn t('…') into something else). */
function shadowsOfT(src: Source): string[] {
  const found: string[] = [];
  visit(src.file, (node) => {
    const named =
      ts.isVariableDeclaration(node) ||
      ts.isParameter(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isBindingElement(node);
    if (named && node.name && ts.isIdentifier(node.name) && node.name.text === 't') found.push(src.at(node));
  });
  return found;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const forms = (entry: string | { one: string; other: string }) =>
  typeof entry === 'string' ? [entry] : [entry.one, entry.other];

describe('the console’s English', () => {
  const app = parse(APP);

  it('imports t from i18n.js and binds no other t', () => {
    expect(APP).toMatch(/^import \{[^}]*\bt\b[^}]*\} from '\.\/i18n\.js';$/m);
    expect(shadowsOfT(app)).toEqual([]);
  });

  it('has an English entry for every t() key in app.js, and no entry app.js does not use', () => {
    const { keys, dynamic } = keysOf(app);
    // Keys must be literals: the dictionary is checked against them, and labels are translated where they are written.
    expect(dynamic).toEqual([]);
    expect(keys.size).toBeGreaterThan(200);
    expect([...keys].filter((k) => !Object.hasOwn(EN, k))).toEqual([]);
    expect(Object.keys(EN).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('lets no Vietnamese text reach the page without t()', () => {
    expect(untranslated(app)).toEqual([]);
    for (const allowed of ALLOWED.keys()) expect(APP, `stale allow-list entry ${allowed}`).toContain(allowed);
  });

  it('catches an untranslated button label, toast or template', () => {
    const added = parse(
      `${APP}\nh('button', { type: 'submit' }, 'Lưu lại');\ntoast(\`Đã xóa \${n} mục\`);\nh('span', {}, t(\`Không có\`));\n`,
    );
    const before = new Set(untranslated(app));
    expect(untranslated(added).filter((x) => !before.has(x))).toEqual([
      expect.stringContaining("'Lưu lại'"),
      expect.stringContaining('`Đã xóa ${'),
      expect.stringContaining('} mục`'),
      expect.stringContaining('`Không có`'),
    ]);
    // …and the same text through t() passes the scan but fails for want of its English.
    const wrapped = parse(`${APP}\nh('button', { type: 'submit' }, t('Lưu lại'));\n`);
    expect(untranslated(wrapped)).toEqual([]);
    expect(Object.hasOwn(EN, [...keysOf(wrapped).keys].at(-1) ?? '')).toBe(false);
  });

  it('keeps each key’s placeholders and edge spaces in its English, and no Vietnamese in it', () => {
    for (const [vi, entry] of Object.entries(EN)) {
      if (typeof entry !== 'string') expect(placeholders(vi), `${vi}: one/other needs {n}`).toContain('n');
      for (const en of forms(entry)) {
        expect(placeholders(en), `${vi} → ${en}`).toEqual(placeholders(vi));
        expect(en.trim(), vi).not.toBe('');
        expect(/^\s/.test(en), `${vi} → ${en}: leading space`).toBe(/^\s/.test(vi));
        expect(/\s$/.test(en), `${vi} → ${en}: trailing space`).toBe(/\s$/.test(vi));
        // The product's name stays; anything else Vietnamese is a text left untranslated.
        expect(en.replace('Kiểm Chứng', ''), vi).not.toMatch(VIETNAMESE);
      }
    }
  });
});

describe('t()', () => {
  afterEach(() => setLang('vi'));

  it('is Vietnamese by default, with placeholders filled', () => {
    expect(lang()).toBe('vi');
    expect(locale()).toBe('vi-VN');
    expect(t('Hàng đợi xác minh')).toBe('Hàng đợi xác minh');
    expect(t('{n} vụ việc', { n: 1 })).toBe('1 vụ việc');
    expect(t('{amount} đồng', { amount: (7_500_000).toLocaleString(locale()) })).toBe('7.500.000 đồng');
    expect(t('{n} giờ', { n: (2.5).toLocaleString(locale()) })).toBe('2,5 giờ');
  });

  it('gives the English once switched, with English plurals', () => {
    setLang('en');
    expect(lang()).toBe('en');
    expect(locale()).toBe('en-GB');
    expect(t('Hàng đợi xác minh')).toBe('Verification queue');
    expect(t('Công an tỉnh')).toBe('Provincial police');
    expect(t('Sai sự thật')).toBe('False');
    expect(t('{n} vụ việc', { n: 1 })).toBe('1 case');
    expect(t('{n} vụ việc', { n: 0 })).toBe('0 cases');
    expect(t('{n} vụ việc', { n: 100_002 })).toBe('100002 cases');
    expect(t('{amount} đồng', { amount: (7_500_000).toLocaleString(locale()) })).toBe('7,500,000 VND');
    // A number already written for the locale still picks the plural.
    expect(t('{n} giờ', { n: (1).toLocaleString(locale()) })).toBe('1 hour');
    expect(t('{n} giờ', { n: (2.5).toLocaleString(locale()) })).toBe('2.5 hours');
    expect(t('Đã lưu tìm kiếm “{name}”.', { name: 'Mẹo chữa bệnh' })).toBe('Search “Mẹo chữa bệnh” saved.');
  });

  it('falls back to the Vietnamese for a text with no English, and leaves an unfilled placeholder visible', () => {
    setLang('en');
    expect(t('Chưa dịch {x}', { x: 'y' })).toBe('Chưa dịch y');
    expect(t('Lỗi {status}')).toBe('Error {status}');
    expect(t('constructor')).toBe('constructor');
  });

  it('refuses a language it does not have', () => {
    expect(() => setLang('fr' as 'vi')).toThrow(/use 'vi' or 'en'/);
    expect(lang()).toBe('vi');
  });
});
