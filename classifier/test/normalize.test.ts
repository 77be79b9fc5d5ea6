import { describe, expect, it } from 'vitest';
import { cleanText, foldDiacritics, foldText, normalizeText, syllables } from '../src/index.js';

describe('normalization', () => {
  it('folds tones, vowel marks and đ, from NFC and NFD alike', () => {
    expect(foldDiacritics('Đà Nẵng phong tỏa')).toBe('Da Nang phong toa');
    expect(foldDiacritics('Đà Nẵng phong tỏa'.normalize('NFD'))).toBe('Da Nang phong toa');
    expect(foldText('Vắc-xin ĐÃ được tiêm')).toBe('vac xin da duoc tiem');
  });

  it('turns NFD input into NFC and drops control and zero-width characters', () => {
    const nfd = 'tiêm vắc xin'.normalize('NFD');
    expect(nfd).not.toBe('tiêm vắc xin');
    expect(cleanText(nfd)).toBe('tiêm vắc xin');
    expect(cleanText('tin\u200b giả\u0007')).toBe('tin giả');
  });

  it('expands teencode and abbreviations as whole tokens only', () => {
    expect(normalizeText('ko dc j mn ơi')).toBe('không được gì mọi người ơi');
    expect(normalizeText('Đc vs bn')).toBe('được với bạn');
    expect(normalizeText('giá 50k')).toBe('giá 50k');
    expect(foldText('sđt của bv')).toBe('so dien thoai cua benh vien');
  });

  it('removes URLs and emoji, splits hashtags, squeezes repeated letters', () => {
    expect(normalizeText('Share gấpppp!!!! 😱😱 https://x.vn/a?b=1 #tingia')).toBe('share gấp! tingia');
  });

  it('is idempotent', () => {
    for (const s of ['Ko cần tiêm vacxin đâu mn!!!', 'Phong toa toan tp tu 0h', 'Theo Bộ Y tế, 824/KH-BCĐ']) {
      const once = normalizeText(s);
      expect(normalizeText(once)).toBe(once);
      expect(foldText(foldText(s))).toBe(foldText(s));
    }
  });

  it('keeps document numbers whole and splits syllables', () => {
    expect(foldText('Kế hoạch số 824/KH-BCĐ')).toBe('ke hoach so 824/kh bcd');
    expect(syllables('phong toa toan thanh pho')).toEqual(['phong', 'toa', 'toan', 'thanh', 'pho']);
  });

  it('never throws on lone surrogates', () => {
    expect(() => foldText('a\ud800b\udc00c')).not.toThrow();
    expect(cleanText('a\ud800b')).toBe('a\ufffdb');
  });
});
