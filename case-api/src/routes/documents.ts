import { STATUS_LABELS } from '@kc/pipeline';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { correctionLetter, type LetterHeading, type WeeklyReport, weeklyReportDocx } from '../letters.js';
import { authorize } from '../plugins/auth.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const KIND_LABELS: Readonly<Record<string, string>> = {
  false_cure: 'Mẹo chữa bệnh sai',
  vaccine_harm: 'Tin đồn về vắc xin',
  fake_order: 'Lệnh phong tỏa giả',
  hidden_cases: 'Giấu số ca',
  tracing_rumour: 'Tin đồn có F0',
  app_data_theft: 'Ứng dụng lấy cắp dữ liệu',
  shortage_panic: 'Hoang mang khan hiếm',
  conspiracy: 'Thuyết âm mưu',
  forged_document: 'Văn bản giả',
  fake_test_result: 'Kết quả xét nghiệm giả',
  unknown: 'Khác',
};

/** Documents: the correction letter (DOCX) and the weekly report (DOCX, CSV or JSON). */
export const documentRoutes: FastifyPluginAsyncZod<{ ctx: CaseApiContext; heading: LetterHeading }> = async (
  app,
  { ctx, heading },
) => {
  app.get(
    '/api/corrections/:id/letter',
    {
      schema: {
        tags: ['documents'],
        summary: 'The correction request as an official letter (DOCX, Vietnamese administrative format)',
        params: z.object({ id: z.string().regex(/^cr_[0-9a-f-]{36}$/, 'not a correction id') }),
      },
    },
    async (req, reply) => {
      const user = authorize(req, 'GET /api/corrections/:id/letter');
      const caseId = await ctx.cases.caseIdOfCorrection(req.params.id);
      if (!caseId) throw new ApiError('CASE_ERR_NOT_FOUND', 'Không tìm thấy yêu cầu cải chính.');
      const detail = (await ctx.cases.get(caseId))!;
      const correction = detail.corrections.find((c) => c.id === req.params.id)!;
      const posts = await ctx.index.get(detail.postIds);
      const docx = await correctionLetter({ heading, detail, correction, posts });
      await ctx.cases.auditEvent(caseId, user.username, 'letter_generated', { correctionId: correction.id });
      reply.header('content-disposition', `attachment; filename="de-nghi-cai-chinh-${caseId}.docx"`);
      return reply.type(DOCX).send(docx);
    },
  );

  app.get(
    '/api/reports/weekly',
    {
      schema: {
        tags: ['documents'],
        summary: 'The weekly report (seed 001 template) for a date range and district: JSON, CSV or DOCX',
        querystring: z.object({
          from: z.iso.date(),
          to: z.iso.date(),
          district: z.string().trim().min(1).max(200).optional(),
          format: z.enum(['json', 'csv', 'docx']).default('json'),
        }),
      },
    },
    async (req, reply) => {
      authorize(req, 'GET /api/reports/weekly');
      const { from, to, district, format } = req.query;
      if (from > to) {
        throw new ApiError('CASE_ERR_VALIDATION', 'Ngày bắt đầu phải trước ngày kết thúc.', [
          { field: 'querystring.from', message: 'sau ngày kết thúc' },
        ]);
      }
      // The range is whole days in Vietnam time: [from 00:00, to + 1 day 00:00) at UTC+7.
      const start = new Date(`${from}T00:00:00+07:00`).toISOString();
      const end = new Date(Date.parse(`${to}T00:00:00+07:00`) + 86_400_000).toISOString();
      const [posts, cases] = await Promise.all([
        ctx.index.stats(start, end, district),
        ctx.cases.report(start, end, district),
      ]);
      const report: WeeklyReport = {
        from,
        to,
        district: district ?? null,
        monitoredPosts: posts.monitored,
        flaggedPosts: posts.flagged,
        casesByKind: Object.fromEntries(Object.entries(cases.casesByKind).map(([k, n]) => [KIND_LABELS[k] ?? k, n])),
        casesByOutcome: Object.fromEntries(
          Object.entries(cases.casesByStatus).map(([k, n]) => [STATUS_LABELS[k as keyof typeof STATUS_LABELS] ?? k, n]),
        ),
        corrections: cases.corrections,
        rebuttals: cases.rebuttalsPublished,
        escalations: cases.escalations,
        unusual: cases.top,
      };
      const name = `bao-cao-tuan-${from}-${to}`;
      if (format === 'docx') {
        reply.header('content-disposition', `attachment; filename="${name}.docx"`);
        return reply.type(DOCX).send(await weeklyReportDocx(heading, report));
      }
      if (format === 'csv') {
        const q = (s: string | number) => `"${String(s).replace(/"/g, '""')}"`;
        const rows = [
          ['Mục', 'Nội dung', 'Số lượng'],
          ['Thời gian', `${from} – ${to}`, ''],
          ['Địa bàn', district ?? 'Toàn tỉnh', ''],
          ['Bài được theo dõi', '', report.monitoredPosts],
          ['Bài bị gắn cờ', '', report.flaggedPosts],
          ...Object.entries(report.casesByKind).map(([k, n]) => ['Vụ việc theo loại', k, n]),
          ...Object.entries(report.casesByOutcome).map(([k, n]) => ['Kết quả xử lý', k, n]),
          ['Đề nghị cải chính', '', report.corrections],
          ['Bài phản bác đã đăng', '', report.rebuttals],
          ['Chuyển cơ quan công an', '', report.escalations],
          ...report.unusual.map((c) => ['Thông tin bất thường', c.title, c.postCount]),
        ];
        reply.header('content-disposition', `attachment; filename="${name}.csv"`);
        // A BOM so that Excel opens the Vietnamese text as UTF-8.
        return reply
          .type('text/csv; charset=utf-8')
          .send(`\ufeff${rows.map((r) => r.map(q).join(',')).join('\r\n')}\r\n`);
      }
      return report;
    },
  );
};
