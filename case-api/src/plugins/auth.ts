import type { Role } from '@kc/pipeline';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { allowedRoles, type RouteKey } from '../authz.js';
import type { CaseApiContext } from '../context.js';
import { ApiError } from '../errors.js';

/** Resolves `Authorization: Bearer <token>` to a user on every request. */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { ctx: CaseApiContext }) => {
    app.decorateRequest('user', null);
    app.addHook('onRequest', async (req) => {
      const header = req.headers.authorization;
      if (!header?.startsWith('Bearer ')) return;
      const token = header.slice(7).trim();
      if (token.length < 20 || token.length > 200) return;
      req.user = await opts.ctx.users.resolveSession(token);
    });
  },
  { name: 'kc-auth' },
);

/** The logged-in user, or 401. */
export function requireUser(req: FastifyRequest) {
  if (!req.user)
    throw new ApiError('CASE_ERR_UNAUTHENTICATED', 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn; hãy đăng nhập lại.');
  return req.user;
}

/** The logged-in user if the authorization table lets their role call `route`, else 401/403. */
export function authorize(req: FastifyRequest, route: RouteKey) {
  return requireRole(req, allowedRoles(route));
}

/** The logged-in user if their role is one of `roles`, else 401/403. */
export function requireRole(req: FastifyRequest, roles: readonly Role[]) {
  const user = requireUser(req);
  if (!roles.includes(user.role)) {
    throw new ApiError('CASE_ERR_FORBIDDEN', `Vai trò ${user.role} không được phép thực hiện thao tác này.`);
  }
  return user;
}
