import { RoleSchema, UserSchema } from '@kc/pipeline/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { authorize, requireUser } from '../plugins/auth.js';
import { SlidingWindowLimiter } from '../plugins/rate-limit.js';
import { errorResponses } from '../schemas/common.js';

export interface AuthRouteOptions {
  readonly ctx: CaseApiContext;
  /**
   * Failed login attempts per client address per window: 20 per 5 minutes by default. Successful
   * logins do not count: a whole office behind one address signs in at eight.
   */
  readonly attemptsPerWindow?: number;
  readonly windowMs?: number;
}

/**
 * Login is guarded twice: per client address (a sliding window of failed attempts, against
 * password spraying over many names) and per username (the store's lockout, against guessing one
 * account's password, which holds across restarts and API processes).
 */
export const authRoutes: FastifyPluginAsyncZod<AuthRouteOptions> = async (app, opts) => {
  const { ctx } = opts;
  const limiter = new SlidingWindowLimiter(opts.attemptsPerWindow ?? 20, opts.windowMs ?? 5 * 60_000);
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in; returns a bearer token',
        body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }),
        response: {
          200: z.object({ token: z.string(), expiresAt: z.string(), user: UserSchema }),
          429: errorResponses[400],
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      if (
        limiter.refuseIfOver(
          req,
          reply,
          (s) => `Quá nhiều lần đăng nhập sai từ địa chỉ này; hãy thử lại sau ${s} giây.`,
        )
      ) {
        req.log.warn('login rate limit reached');
        return reply;
      }
      const result = await ctx.users.login(req.body.username, req.body.password);
      if (!result.ok) limiter.count(req.ip);
      if (!result.ok && result.lockedUntil) {
        const seconds = Math.max(1, Math.ceil((Date.parse(result.lockedUntil) - Date.now()) / 1000));
        req.log.warn({ lockedUntil: result.lockedUntil }, 'login refused: username locked');
        return reply
          .code(429)
          .header('retry-after', String(seconds))
          .send({
            code: 'CASE_ERR_ACCOUNT_LOCKED',
            message: `Tài khoản tạm bị khóa vì đăng nhập sai nhiều lần; hãy thử lại sau ${Math.ceil(seconds / 60)} phút.`,
            requestId: String(req.id),
          });
      }
      if (!result.ok) throw new ApiError('CASE_ERR_BAD_CREDENTIALS', 'Sai tên đăng nhập hoặc mật khẩu.');
      const session = await ctx.users.createSession(result.user.id, ctx.sessionTtlSeconds);
      req.log.info({ userId: result.user.id }, 'user logged in');
      return { ...session, user: result.user };
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      requireUser(req);
      await ctx.users.revokeSession(req.headers.authorization!.slice(7).trim());
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me',
    { schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: UserSchema, ...errorResponses } } },
    async (req) => requireUser(req),
  );

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['auth'],
        summary: 'Users (for assignment)',
        querystring: z.object({ role: RoleSchema.optional() }),
        response: { 200: z.object({ items: z.array(UserSchema) }), ...errorResponses },
      },
    },
    async (req) => {
      authorize(req, 'GET /api/users');
      const all = await ctx.users.list();
      return { items: req.query.role ? all.filter((u) => u.role === req.query.role) : all };
    },
  );
};
