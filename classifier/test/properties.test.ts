import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Classifier, cleanText, foldText, normalizeText } from '../src/index.js';

const classifier = new Classifier();
// Vietnamese-looking text: letters with tone marks, teencode, punctuation, emoji and controls.
const vietnamese = fc
  .array(
    fc.constantFrom(
      'không',
      'ko',
      'được',
      'dc',
      'tiêm',
      'vắc',
      'xin',
      'phong',
      'tỏa',
      'từ',
      '0h',
      'mn',
      'đừng',
      'tin',
      'giả',
      'Đà',
      'Nẵng',
      'F0',
      'xông',
      'hơi',
      '!!!',
      '😱',
      '#tingia',
      'https://x.vn/a',
      '\u0000',
      '\u200b',
      '\ud800',
      ' ',
      '\n',
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(' '));
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  vietnamese,
);

describe('properties (fast-check)', () => {
  it('never throws, on any string', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        classifier.classify(s);
        normalizeText(s);
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(classifier.classify(s)).toEqual(classifier.classify(s));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result for NFC and NFD input', () => {
    fc.assert(
      fc.property(vietnamese, (s) => {
        expect(classifier.classify(s.normalize('NFD'))).toEqual(classifier.classify(s.normalize('NFC')));
      }),
      { numRuns: 300 },
    );
  });

  it('normalizes idempotently', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const once = normalizeText(s);
        expect(normalizeText(once)).toBe(once);
        expect(cleanText(cleanText(s))).toBe(cleanText(s));
        expect(foldText(foldText(s))).toBe(foldText(s));
      }),
      { numRuns: 500 },
    );
  });

  it('handles lone surrogates, control characters and 1 MB of text', () => {
    const huge = 'phong tỏa toàn thành phố từ 0h '.repeat(35_000);
    expect(huge.length).toBeGreaterThan(1_000_000);
    const r = classifier.classify(`${huge}\ud800\u0001`);
    expect(r.flagged).toBe(true);
    expect(() => classifier.classify('\udc00\ud800'.repeat(1000))).not.toThrow();
  });
});
