import { ConflictError } from '@kc/pipeline';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { authorize } from '../plugins/auth.js';
import {
  CaseListQuery,
  PostList,
  PostSearchQuery,
  SavedSearchBody,
  SavedSearchIdParams,
  SavedSearchList,
} from '../schemas/cases.js';
import { errorResponses } from '../schemas/common.js';

const QUERY_OF = { cases: CaseListQuery, posts: PostSearchQuery } as const;

/** Search over posts, and each user's saved searches (of cases or posts). */
export const searchRoutes: FastifyPluginAsyncZod<{ ctx: CaseApiContext }> = async (app, { ctx }) => {
  app.get(
    '/api/posts',
    {
      schema: {
        tags: ['search'],
        summary:
          'Search monitored posts: words (with or without diacritics), flagged, platform, region, claim kind, dates',
        querystring: PostSearchQuery,
        response: { 200: PostList, ...errorResponses },
      },
    },
    async (req) => {
      authorize(req, 'GET /api/posts');
      const q = req.query;
      return ctx.index.search({
        ...(q.q ? { q: q.q } : {}),
        ...(q.flagged !== undefined ? { flagged: q.flagged } : {}),
        ...(q.platform ? { platform: q.platform } : {}),
        ...(q.region ? { region: q.region } : {}),
        ...(q.claimType ? { claimType: q.claimType } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        limit: q.limit,
        offset: q.offset,
      });
    },
  );

  app.get(
    '/api/saved-searches',
    {
      schema: {
        tags: ['search'],
        summary: 'My saved searches',
        response: { 200: SavedSearchList, ...errorResponses },
      },
    },
    async (req) => {
      const user = authorize(req, 'GET /api/saved-searches');
      return { items: await ctx.users.listSearches(user.id) };
    },
  );

  app.post(
    '/api/saved-searches',
    {
      schema: {
        tags: ['search'],
        summary: 'Save a search: the query string of GET /api/cases or /api/posts under a name',
        body: SavedSearchBody,
      },
    },
    async (req, reply) => {
      const user = authorize(req, 'POST /api/saved-searches');
      const { name, target, query } = req.body;
      // Only a query the list would accept is kept, so running it later cannot fail.
      const parsed = QUERY_OF[target].safeParse(query);
      if (!parsed.success) {
        throw new ApiError(
          'CASE_ERR_VALIDATION',
          'Điều kiện tìm kiếm không hợp lệ.',
          parsed.error.issues.map((i) => ({
            field: ['body', 'query', ...i.path.map(String)].join('.'),
            message: i.message,
          })),
        );
      }
      const unknown = Object.keys(query).filter((k) => !(k in QUERY_OF[target].shape));
      if (unknown.length > 0) {
        throw new ApiError(
          'CASE_ERR_VALIDATION',
          'Điều kiện tìm kiếm không hợp lệ.',
          unknown.map((k) => ({ field: `body.query.${k}`, message: 'not a search parameter' })),
        );
      }
      try {
        const saved = await ctx.users.saveSearch(user.id, { name, target, query });
        return reply.code(201).send(saved);
      } catch (err) {
        if (err instanceof ConflictError)
          throw new ApiError('CASE_ERR_CONFLICT', `Đã có tìm kiếm tên “${name}”, hoặc đã lưu quá nhiều tìm kiếm.`);
        throw err;
      }
    },
  );

  app.delete(
    '/api/saved-searches/:id',
    {
      schema: {
        tags: ['search'],
        summary: 'Delete one of my saved searches',
        params: SavedSearchIdParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const user = authorize(req, 'DELETE /api/saved-searches/:id');
      if (!(await ctx.users.deleteSearch(user.id, req.params.id))) {
        throw new ApiError('CASE_ERR_NOT_FOUND', 'Không tìm thấy tìm kiếm đã lưu.');
      }
      return reply.code(204).send(null);
    },
  );
};
