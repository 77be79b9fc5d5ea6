import { checkReadiness } from '@kc/pipeline';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { authorize } from '../plugins/auth.js';
import { errorResponses } from '../schemas/common.js';

export const systemRoutes: FastifyPluginAsyncZod<{ ctx: CaseApiContext }> = async (app, { ctx }) => {
  app.get(
    '/healthz',
    { schema: { tags: ['system'], summary: 'Process is alive', response: { 200: z.object({ ok: z.literal(true) }) } } },
    async () => ({
      ok: true as const,
    }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'Stores, bus and index reachable (503 names the one that is not)',
        response: {
          200: z.object({ ok: z.boolean(), checks: z.record(z.string(), z.string()) }),
          503: z.object({ ok: z.boolean(), checks: z.record(z.string(), z.string()) }),
        },
      },
    },
    async (_req, reply) => {
      const r = ctx.ready
        ? await ctx.ready()
        : await checkReadiness({ index: ctx.index, cases: ctx.cases, users: ctx.users });
      return reply.code(r.ok ? 200 : 503).send(r);
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['system'], summary: 'Prometheus metrics', hide: true } },
    async (_req, reply) => {
      if (!ctx.metrics) return reply.code(404).send('');
      const m = await ctx.metrics();
      return reply.type(m.contentType).send(m.body);
    },
  );

  app.get(
    '/api/system/status',
    {
      schema: {
        tags: ['system'],
        summary: 'Crawl and pipeline figures of this process',
        response: { 200: z.record(z.string(), z.unknown()), ...errorResponses },
      },
    },
    async (req) => {
      authorize(req, 'GET /api/system/status');
      return ctx.status();
    },
  );

  app.get(
    '/api/evidence/:sha256',
    {
      schema: {
        tags: ['evidence'],
        summary: 'An evidence blob (screenshot PNG or HTML snapshot) by SHA-256',
        params: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256') }),
      },
    },
    async (req, reply) => {
      authorize(req, 'GET /api/evidence/:sha256');
      const blob = await ctx.evidence.get(req.params.sha256);
      if (!blob) throw new ApiError('CASE_ERR_NOT_FOUND', 'Không tìm thấy chứng cứ.');
      const isImage = blob.meta.contentType === 'image/png';
      reply.header('x-evidence-url', encodeURI(blob.meta.url));
      reply.header('x-evidence-captured-at', blob.meta.capturedAt);
      // Captured HTML is hostile content: never render it in the console's origin.
      reply.header('content-security-policy', "sandbox; default-src 'none'");
      reply.header('x-content-type-options', 'nosniff');
      if (!isImage) reply.header('content-disposition', `attachment; filename="${req.params.sha256}.html"`);
      return reply.type(isImage ? 'image/png' : 'text/plain; charset=utf-8').send(Buffer.from(blob.bytes));
    },
  );
};
