import { MAX_STAT_DAYS } from '@kc/pipeline';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { correctionLetter, type LetterHeading, weeklyReportDocx } from '../letters.js';
import { authorize } from '../plugins/auth.js';
import { statistics, weeklyReport, weeklyReportCsv } from '../reports.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

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
      checkDayRange(from, to);
      const report = await weeklyReport(ctx, from, to, district);
      const name = `bao-cao-tuan-${from}-${to}`;
      if (format === 'docx') {
        reply.header('content-disposition', `attachment; filename="${name}.docx"`);
        return reply.type(DOCX).send(await weeklyReportDocx(heading, report));
      }
      if (format === 'csv') {
        reply.header('content-disposition', `attachment; filename="${name}.csv"`);
        return reply.type('text/csv; charset=utf-8').send(weeklyReportCsv(report));
      }
      return report;
    },
  );

  app.get(
    '/api/stats',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Statistics for whole days in Vietnam time: flagged posts per day, by claim kind, platform and district; cases by kind and status; time to verdict',
        querystring: z.object({
          from: z.iso.date(),
          to: z.iso.date(),
          district: z.string().trim().min(1).max(200).optional(),
        }),
      },
    },
    async (req) => {
      authorize(req, 'GET /api/stats');
      const { from, to, district } = req.query;
      checkDayRange(from, to);
      return statistics(ctx, from, to, district);
    },
  );
};

/** A range of whole days: from no later than to, and no longer than a per-day series may be. */
function checkDayRange(from: string, to: string): void {
  if (from > to) {
    throw new ApiError('CASE_ERR_VALIDATION', 'Ngày bắt đầu phải trước ngày kết thúc.', [
      { field: 'querystring.from', message: 'sau ngày kết thúc' },
    ]);
  }
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (days > MAX_STAT_DAYS) {
    throw new ApiError('CASE_ERR_VALIDATION', `Khoảng thời gian dài nhất là ${MAX_STAT_DAYS} ngày.`, [
      { field: 'querystring.to', message: `quá ${MAX_STAT_DAYS} ngày sau ngày bắt đầu` },
    ]);
  }
}
