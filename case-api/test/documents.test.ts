import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from './helpers.js';

/** Converts a DOCX with LibreOffice (Debian's package) and returns the PDF's text (poppler). */
function pdfText(docx: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'kc-doc-'));
  writeFileSync(join(dir, 'doc.docx'), docx);
  execFileSync(
    'soffice',
    [
      `-env:UserInstallation=file://${dir}/profile`,
      '--headless',
      '--convert-to',
      'pdf',
      '--outdir',
      dir,
      join(dir, 'doc.docx'),
    ],
    { stdio: 'pipe', timeout: 120_000 },
  );
  return execFileSync('pdftotext', [join(dir, 'doc.pdf'), '-'], { encoding: 'utf8' });
}

describe('official documents open in LibreOffice', () => {
  let ctx: Awaited<ReturnType<typeof build>>;
  afterEach(async () => ctx?.close());

  it('the correction letter carries the national heading, number, place and date, Kính gửi, body and recipients', async () => {
    ctx = await build();
    const h = ctx.as('analyst');
    await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/assign`,
      headers: h,
      payload: { assignee: 'analyst' },
    });
    await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/verdict`,
      headers: h,
      payload: {
        verdict: 'false',
        note: 'UBND tỉnh không ban hành lệnh phong tỏa',
        sources: ['https://gialai.gov.vn/'],
      },
    });
    const corrected = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${ctx.caseId}/corrections`,
      headers: ctx.as('press_office'),
      payload: {
        recipient: 'Ban biên tập Trang tin Phố Núi',
        channel: 'letter',
        message: 'Đề nghị Quý cơ quan kiểm tra lại quy trình biên tập tin về dịch bệnh.',
        dueAt: '2099-07-23T10:00:00Z',
      },
    });
    const correctionId = corrected.json().corrections[0].id;
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/corrections/${correctionId}/letter`,
      headers: ctx.as('press_office'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const text = pdfText(res.rawPayload).replace(/\s+/g, ' ');
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'SỞ THÔNG TIN VÀ TRUYỀN THÔNG',
      '/STTTT-TTra',
      'Gia Lai, ngày',
      'Kính gửi: Ban biên tập Trang tin Phố Núi',
      'phong tỏa toàn thành phố',
      'Nghị định số 15/2020/NĐ-CP',
      'trước ngày 23 tháng 07 năm 2099',
      'Nơi nhận',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/corrections/${correctionId}/letter`,
          headers: ctx.as('police_liaison'),
        })
      ).statusCode,
    ).toBe(403);
  }, 180_000);

  it('the weekly report comes as JSON, CSV and a DOCX that LibreOffice opens', async () => {
    ctx = await build();
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const h = ctx.as('supervisor');
    const json = await ctx.app.inject({
      method: 'GET',
      url: `/api/reports/weekly?from=${today}&to=${today}`,
      headers: h,
    });
    expect(json.json()).toMatchObject({ monitoredPosts: 1, flaggedPosts: 1, casesByKind: { 'Lệnh phong tỏa giả': 1 } });
    const csv = await ctx.app.inject({
      method: 'GET',
      url: `/api/reports/weekly?from=${today}&to=${today}&format=csv`,
      headers: h,
    });
    expect(csv.body.startsWith('\ufeff"Mục","Nội dung","Số lượng"')).toBe(true);
    expect(csv.body).toContain('"Bài bị gắn cờ","","1"');
    const bad = await ctx.app.inject({
      method: 'GET',
      url: '/api/reports/weekly?from=2021-07-25&to=2021-07-19',
      headers: h,
    });
    expect(bad.statusCode).toBe(400);
    const docx = await ctx.app.inject({
      method: 'GET',
      url: `/api/reports/weekly?from=${today}&to=${today}&format=docx`,
      headers: h,
    });
    const text = pdfText(docx.rawPayload).replace(/\s+/g, ' ');
    for (const expected of [
      'BÁO CÁO',
      'Số bài viết, bài đăng được theo dõi: 1',
      'Lệnh phong tỏa giả',
      'Thông tin bất thường trên địa bàn',
    ]) {
      expect(text, expected).toContain(expected);
    }
  }, 180_000);

  it('statistics: flagged posts per day, by kind, platform and district, and time to verdict', async () => {
    ctx = await build();
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() + 7 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
    const h = ctx.as('press_office');
    const res = await ctx.app.inject({ method: 'GET', url: `/api/stats?from=${yesterday}&to=${today}`, headers: h });
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({
      from: yesterday,
      to: today,
      district: null,
      posts: {
        monitored: 1,
        flagged: 1,
        flaggedByDay: { [yesterday]: 0, [today]: 1 },
        flaggedByKind: { fake_order: 1 },
      },
      cases: { byKind: { fake_order: 1 }, timeToVerdict: { count: 0, medianHours: null } },
    });
    const elsewhere = await ctx.app.inject({
      method: 'GET',
      url: `/api/stats?from=${today}&to=${today}&district=${encodeURIComponent('Kon Tum')}`,
      headers: h,
    });
    expect(elsewhere.json().posts).toMatchObject({ monitored: 0, flagged: 0, flaggedByDay: { [today]: 0 } });
    for (const query of [
      'from=2021-07-25&to=2021-07-19',
      'from=2020-01-01&to=2021-12-31',
      'from=2021-07-19',
      'from=19/07/2021&to=2021-07-25',
    ]) {
      const bad = await ctx.app.inject({ method: 'GET', url: `/api/stats?${query}`, headers: h });
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json().code, query).toBe('CASE_ERR_VALIDATION');
    }
    const police = await ctx.app.inject({
      method: 'GET',
      url: `/api/stats?from=${today}&to=${today}`,
      headers: ctx.as('police_liaison'),
    });
    expect(police.statusCode).toBe(403);
  }, 180_000);
});
