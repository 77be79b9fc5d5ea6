import { Classifier, foldText } from '@kc/classifier';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Post } from '../src/domain/index.js';
import { postFolded } from '../src/folding.js';

/** Pieces of real posts: accents, NFD, đ, teencode, emoji, links, punctuation, line breaks. */
const PIECES = [
  'Phong tỏa',
  'toàn thành phố',
  'từ 0h',
  'đêm nay',
  'ĐƯỢC',
  'ko',
  'dc',
  'mn ơi',
  'vắc xin',
  'Pleiku',
  'https://tin.example.vn/a?b=1',
  '#covid19',
  '😷',
  '!!!',
  '...',
  '\n',
  ' ',
  '  ',
  'Nguyễn Văn Á',
  'nguoi.dang',
  'hoa\u0300 bi\u0300nh',
  'F0',
  '"trích dẫn"',
  '—',
  'điiiii',
  '',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((a) => a.join(''));

function post(title: string | null, body: string, name: string | null, handle: string | null): Post {
  return {
    id: 'p_0',
    platform: 'facebook',
    sourceId: 's',
    url: 'https://facebook.com/x',
    platformPostId: null,
    title,
    text: body,
    author: name === null && handle === null ? null : { handle: handle ?? '', name, profileUrl: null },
    publishedAt: null,
    fetchedAt: '2021-07-01T00:00:00.000Z',
    region: null,
    metrics: null,
    evidence: [],
    tags: [],
    tipNote: null,
  };
}

describe('postFolded', () => {
  const classifier = new Classifier();

  it('is foldText of title, text and author, whether the classifier folded the text or not', () => {
    fc.assert(
      fc.property(fc.option(text), text, fc.option(text), fc.option(text), (title, body, name, handle) => {
        const p = post(title, body, name, handle);
        const whole = foldText([p.title, p.text, p.author?.name, p.author?.handle].filter(Boolean).join('\n'));
        expect(postFolded(p)).toBe(whole);
        // What the stream processor hands the index: the classifier's folding of title and text.
        const { folded } = classifier.classifyAndFold(p.title ? `${p.title}\n${p.text}` : p.text);
        expect(postFolded(p, folded.join(' '))).toBe(whole);
      }),
      { numRuns: 2_000 },
    );
  });
});
