import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { classify, cleanText, repairLegacyEncoding } from '../src/index.js';

const TEXT = 'Việt Nam: phong tỏa toàn thành phố từ 0h, uống nước chanh gừng diệt virus. Đừng tin tin giả!';

/** Encodes with glibc iconv (a reference implementation) and reads the bytes back as Latin-1. */
function mojibake(encoding: string, text = TEXT): string {
  return execFileSync('iconv', ['-f', 'UTF-8', '-t', encoding], { input: text }).toString('latin1');
}

describe('legacy encodings', () => {
  it('repairs UTF-8 that was read as Windows-1252 or Latin-1', () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    for (const wrong of [bytes.toString('latin1'), new TextDecoder('windows-1252').decode(bytes)]) {
      expect(repairLegacyEncoding(wrong)).toEqual({ text: TEXT, encoding: 'utf8_as_cp1252' });
    }
  });

  it('repairs Windows-1258 and TCVN3 (ABC) text read as Latin-1', () => {
    expect(repairLegacyEncoding(mojibake('CP1258'))).toEqual({ text: TEXT, encoding: 'cp1258' });
    expect(repairLegacyEncoding(mojibake('TCVN5712-1'))).toEqual({ text: TEXT, encoding: 'tcvn3' });
  });

  it('repairs VNI Windows text', () => {
    const vni =
      'Vieät Nam: phong toûa toaøn thaønh phoá töø 0h, uoáng nöôùc chanh göøng dieät virus. Ñöøng tin tin giaû!';
    expect(repairLegacyEncoding(vni)).toEqual({ text: TEXT, encoding: 'vni' });
  });

  it('leaves clean Vietnamese and foreign names alone', () => {
    expect(repairLegacyEncoding(TEXT)).toEqual({ text: TEXT, encoding: null });
    const foreign = 'Müller gặp Señor García ở Köln';
    expect(repairLegacyEncoding(foreign).text).toBe(foreign);
  });

  it('feeds repaired text to the classifier, so a TCVN3 claim is flagged like the Unicode one', () => {
    const claim = 'Xông hơi bằng sả, chanh, gừng mỗi ngày sẽ diệt sạch virus corona, không cần đi tiêm.';
    expect(cleanText(mojibake('TCVN5712-1', claim))).toBe(claim);
    expect(classify(mojibake('TCVN5712-1', claim))).toEqual(classify(claim));
    expect(classify(mojibake('CP1258', claim)).flagged).toBe(true);
  });
});
