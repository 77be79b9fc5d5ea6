import { RoleSchema, UserSchema } from '@kc/pipeline/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { authorize, requireUser } from '../plugins/auth.js';
import { errorResponses } from '../schemas/common.js';

export const authRoutes: FastifyPluginAsyncZod<{ ctx: CaseApiContext }> = async (app, { ctx }) => {
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in; returns a bearer token',
        body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }),
        response: {
          200: z.object({ token: z.string(), expiresAt: z.string(), user: UserSchema }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const user = await ctx.users.authenticate(req.body.username, req.body.password);
      if (!user) throw new ApiError('CASE_ERR_BAD_CREDENTIALS', 'Sai tên đăng nhập hoặc mật khẩu.');
      const session = await ctx.users.createSession(user.id, ctx.sessionTtlSeconds);
      req.log.info({ userId: user.id }, 'user logged in');
      return { ...session, user };
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
