import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { SlidingWindowLimiter } from '../plugins/rate-limit.js';
import { errorResponses } from '../schemas/common.js';

export const TIP_BODY_LIMIT = 16 * 1024;

export interface TipRouteOptions {
  readonly ctx: CaseApiContext;
  /** Tips accepted per client address per window. */
  readonly tipsPerWindow?: number;
  readonly windowMs?: number;
}

/**
 * POST /api/tips: citizens send a link and a note, without logging in. Small bodies only, a few
 * tips per address per ten minutes, and the link must pass the SSRF guard before it is queued.
 */
export const tipRoutes: FastifyPluginAsyncZod<TipRouteOptions> = async (app, opts) => {
  const limiter = new SlidingWindowLimiter(opts.tipsPerWindow ?? 5, opts.windowMs ?? 10 * 60_000);

  app.post(
    '/api/tips',
    {
      bodyLimit: TIP_BODY_LIMIT,
      schema: {
        tags: ['tips'],
        summary: 'Send a tip (no login): a link to a post and a note; the page is captured as evidence',
        security: [],
        body: z.object({
          url: z.url({ protocol: /^https?$/, error: 'url: một đường dẫn http hoặc https' }).max(2000),
          note: z.string().trim().max(2000).default(''),
        }),
        response: {
          202: z.object({ id: z.string(), status: z.literal('received'), message: z.string() }),
          429: errorResponses[400],
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      if (limiter.refuse(req, reply, (s) => `Bạn đã gửi quá nhiều tin báo; hãy thử lại sau ${s} giây.`)) return reply;
      if (!opts.ctx.submitTip) throw new ApiError('CASE_ERR_INTERNAL', 'Chức năng tiếp nhận tin báo chưa được bật.');
      const result = await opts.ctx.submitTip({ url: req.body.url, note: req.body.note });
      if ('refused' in result) {
        throw new ApiError('CASE_ERR_VALIDATION', 'Đường dẫn này không thể được thu thập.', [
          { field: 'body.url', message: result.refused },
        ]);
      }
      req.log.info({ tipId: result.id }, 'tip received');
      return reply.code(202).send({
        id: result.id,
        status: 'received' as const,
        message: 'Cảm ơn bạn đã gửi tin báo. Thanh tra Sở sẽ xác minh nội dung này.',
      });
    },
  );
};
