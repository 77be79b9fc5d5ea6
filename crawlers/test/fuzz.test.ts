import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { extractArticle, parseSources, SourceConfigError } from '../src/index.js';

/** Strings people and attackers put in files and pages: Vietnamese, markup, control characters, lone surrogates. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(
    'Phong tỏa từ 0h',
    '\u0000\u0007\u001b[31m',
    '\ud800',
    '<script>alert(1)</script>',
    '{{7*7}}',
    '$' + '{process.env}',
    '../../etc/passwd',
    'http://169.254.169.254/',
    '&#x0;&#xD800;&amp;&lt;',
    // YAML the parser reads but cannot build: aliases to missing anchors (found by this test).
    '*!',
    'sources: *list',
    'a: &x 1\nb: *y',
  ),
);

const FIELDS = ['id', 'kind', 'url', 'platform', 'region', 'schedule', 'limits', 'selectors', 'allowPrivateNetwork'];

describe('fuzzed input at the crawler entries', () => {
  it('sources.yaml: any text is either a list of sources or a SourceConfigError naming the file', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        try {
          const sources = parseSources(text, 'fuzz.yaml');
          expect(Array.isArray(sources)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(SourceConfigError);
          expect((err as Error).message).toMatch(/^fuzz\.yaml/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('sources.yaml: well-formed YAML with wrong fields is refused with the field and its line', () => {
    const anyValue = fc.oneof(
      hostileText,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.nat()),
    );
    const source = fc.dictionary(fc.constantFrom(...FIELDS, 'extra'), anyValue, { minKeys: 0, maxKeys: 9 });
    fc.assert(
      fc.property(fc.array(source, { minLength: 0, maxLength: 4 }), (sources) => {
        const text = stringify({ sources });
        try {
          parseSources(text, 'fuzz.yaml');
        } catch (err) {
          expect(err).toBeInstanceOf(SourceConfigError);
          // Every complaint line says where: "line N: path: message".
          const lines = (err as Error).message.split('\n').slice(1);
          for (const line of lines) expect(line).toMatch(/^ {2}line (\d+|\?): \S.*: .+/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('crawled HTML: any page yields an article (maybe empty), never an exception', () => {
    const tag = fc.constantFrom('p', 'div', 'article', 'h1', 'title', 'script', 'style', 'meta', 'time', 'a', 'br', '');
    const fragment = fc.oneof(
      hostileText,
      fc.tuple(tag, hostileText).map(([t, s]) => `<${t}>${s}`),
      fc.tuple(tag, hostileText).map(([t, s]) => `</${t}>${s}`),
      fc.constantFrom('<!--', '-->', '<![CDATA[', ']]>', '<meta property="article:published_time" content="', '"'),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), fc.webUrl(), (parts, url) => {
        // Text as text: markup in a <title> or a CDATA section stays literal, and the console shows
        // it escaped (tests/browser: the hostile post).
        const article = extractArticle(parts.join(''), url);
        expect(typeof article.text).toBe('string');
        expect(article.title === null || typeof article.title === 'string').toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('crawled HTML: a deeply nested or very large page is handled', () => {
    const deep = `<title>Sâu</title>${'<div>'.repeat(50_000)}<p>Tin phong tỏa &amp; cách ly</p>${'</div>'.repeat(50_000)}`;
    const read = extractArticle(deep, 'https://tin.example.vn/a');
    expect(read.text).toBe('Sâu Tin phong tỏa & cách ly');
    const big = `<article>${'<p>Giá cà phê hôm nay tăng nhẹ.</p>'.repeat(100_000)}</article>`;
    expect(extractArticle(big, 'https://tin.example.vn/b').text.length).toBeGreaterThan(0);
  });
});
