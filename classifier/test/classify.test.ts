import { describe, expect, it } from 'vitest';
import { ClassificationSchema, Classifier, classify } from '../src/index.js';

const FALSE_CURE = 'Xông hơi bằng sả, chanh, gừng mỗi ngày sẽ diệt sạch virus corona trong cổ họng, khỏi cần đi tiêm.';

describe('classifier v0', () => {
  it('flags a false cure with diacritics, without them, in NFD and in teencode — with the same claim key', () => {
    const variants = [
      FALSE_CURE,
      'Xong hoi bang sa, chanh, gung moi ngay se diet sach virus corona trong co hong, khoi can di tiem.',
      FALSE_CURE.normalize('NFD'),
      'nghe noi xong hoi sa chanh gung la diet sach virus corona, ko can di tiem vacxin dau mn',
    ];
    const results = variants.map((v) => classify(v));
    for (const r of results) {
      expect(r.flagged).toBe(true);
      expect(r.covid).toBe(true);
      expect(r.claimType).toBe('false_cure');
      expect(r.claimKey).toBe('known:kc-2020-0001');
    }
  });

  it('gives the same result for NFC and NFD input', () => {
    expect(classify(FALSE_CURE.normalize('NFD'))).toEqual(classify(FALSE_CURE));
  });

  it('flags a fake lockdown order with a time, and explains why', () => {
    const r = classify('KHẨN: phong tỏa toàn thành phố từ 0h đêm nay, cấm ra đường, share gấp!');
    expect(r.flagged).toBe(true);
    expect(r.claimType).toBe('fake_order');
    const rules = r.reasons.map((x) => x.rule);
    expect(rules).toContain('frame.fake_order');
    expect(rules).toContain('amp.urgency');
    expect(r.reasons.find((x) => x.rule === 'frame.fake_order')?.phrases).toContain('tu 0h');
    expect(ClassificationSchema.parse(r)).toEqual(r);
  });

  it('flags vaccine myths', () => {
    expect(classify('Tiêm vắc xin Covid xong bị vô sinh, đừng cho con đi tiêm').claimType).toBe('vaccine_harm');
  });

  it('does not flag a debunk that quotes the claim', () => {
    const r = classify('Sở TT&TT khẳng định thông tin “phong tỏa toàn thành phố từ 0h ngày mai” là tin giả.');
    expect(r.flagged).toBe(false);
    expect(r.reasons.map((x) => x.rule)).toContain('counter.debunk');
  });

  it('treats "không phải tin giả" as no debunk', () => {
    const r = classify('Đây không phải tin giả: phong tỏa toàn thành phố từ 0h đêm nay, cấm ra đường!');
    expect(r.flagged).toBe(true);
  });

  it('does not flag official announcements, sanction news or off-topic posts', () => {
    for (const text of [
      'Thực hiện Kế hoạch số 824/KH-BCĐ, Sở Y tế thông báo lịch tiêm vắc xin mũi 3 tại các trạm y tế.',
      'Theo Bộ Y tế, người dân thực hiện 5K và tiêm vắc xin đầy đủ.',
      'Xử phạt 7,5 triệu đồng người đăng tin sai sự thật về Covid-19 trên Facebook.',
      'Giá cà phê hôm nay tăng 500 đồng/kg.',
      'Chiều nay trời mưa to, mọi người đi đường cẩn thận.',
    ]) {
      expect(classify(text).flagged, text).toBe(false);
    }
  });

  it('does not flag a claim frame outside the Covid topic', () => {
    const r = classify('Uống nước chanh gừng mỗi sáng là chữa khỏi cảm cúm');
    expect(r.covid).toBe(false);
    expect(r.flagged).toBe(false);
  });

  it('is deterministic and never throws on hostile input', () => {
    const c = new Classifier();
    for (const s of [
      '',
      '\u0000\u0001',
      '\ud800'.repeat(100),
      `<img src=x onerror=alert(1)>${FALSE_CURE}`,
      'x'.repeat(1_000_000),
    ]) {
      expect(() => c.classify(s)).not.toThrow();
      expect(c.classify(s)).toEqual(c.classify(s));
    }
  });

  it('rejects a nonsensical known-claim threshold up front', () => {
    expect(() => new Classifier({ knownClaimThreshold: 0 })).toThrow(RangeError);
  });
});
