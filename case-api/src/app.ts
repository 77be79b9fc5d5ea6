import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { CONSOLE_DIR } from '@kc/dashboards';
import Fastify, { type FastifyBaseLogger, type FastifyReply } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { CaseApiContext } from './context.js';
import { authPlugin } from './plugins/auth.js';
import { errorPlugin } from './plugins/errors.js';
import { authRoutes } from './routes/auth.js';
import { caseRoutes } from './routes/cases.js';
import { documentRoutes } from './routes/documents.js';
import { searchRoutes } from './routes/search.js';
import { systemRoutes } from './routes/system.js';
import { tipRoutes } from './routes/tips.js';

/** Strict CSP for the console: no inline script, nothing from other origins. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** API answers are data, never a page: nothing may load or frame them (OWASP REST guidance). */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export interface BuildAppOptions {
  /** A pino logger to use (the process's); without it the app does not log. */
  readonly loggerInstance?: FastifyBaseLogger;
  /** Largest request body, in bytes. */
  readonly bodyLimit?: number;
  /** Rate limit of citizen tips (tests lower the window). */
  readonly tips?: { tipsPerWindow?: number; windowMs?: number };
  /** Login attempts per client address per window (tests lower them). */
  readonly logins?: { attemptsPerWindow?: number; windowMs?: number };
  /**
   * Reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or CIDR
   * ranges). Unset: the header is ignored, so no client can spoof its address.
   */
  readonly trustProxy?: string;
}

/** Builds the case API and console as one fastify app (not listening; see server.ts). */
export async function buildApp(ctx: CaseApiContext, options: BuildAppOptions = {}) {
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: false }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    // Errors the router raises before any route runs get the same coded answers as the rest.
    frameworkErrors: (err, req, reply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH'; // no record has an id that long
      void (reply as unknown as FastifyReply).code(tooLong ? 404 : 400).send({
        code: tooLong ? 'CASE_ERR_NOT_FOUND' : 'CASE_ERR_VALIDATION',
        message: tooLong ? 'Không tìm thấy.' : 'Đường dẫn không hợp lệ.',
        requestId: String(req.id),
      });
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  if (ctx.observeRequest) {
    const observe = ctx.observeRequest;
    app.addHook('onResponse', (req, reply, done) => {
      // The route's template (/api/cases/:id), never the URL: ids would make a series each.
      observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Kiểm Chứng — case API',
        description:
          'Cases, posters, corrections and police escalations. Authenticate with `Authorization: Bearer <token>` from /api/auth/login.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(errorPlugin);
  await app.register(authPlugin, { ctx });

  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', String(req.id));
    if (!req.url.startsWith('/docs')) {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      if (!reply.hasHeader('content-security-policy')) {
        reply.header('content-security-policy', req.url.startsWith('/api/') ? API_CSP : CONSOLE_CSP);
      }
    }
    done(null, payload);
  });

  await app.register(authRoutes, { ctx, ...(options.logins ?? {}) });
  await app.register(caseRoutes, { ctx });
  await app.register(systemRoutes, { ctx });
  await app.register(searchRoutes, { ctx });
  await app.register(documentRoutes, {
    ctx,
    heading: {
      org: ctx.organization ?? 'Sở Thông tin và Truyền thông',
      parentOrg: ctx.letterhead?.parentOrg ?? 'UBND tỉnh',
      symbol: ctx.letterhead?.symbol ?? 'STTTT-TTra',
      place: ctx.letterhead?.place ?? 'Gia Lai',
    },
  });
  await app.register(tipRoutes, { ctx, ...(options.tips ?? {}) });
  await app.register(fastifyStatic, { root: fileURLToPath(CONSOLE_DIR), prefix: '/', index: 'index.html' });
  return app;
}

export type CaseApp = Awaited<ReturnType<typeof buildApp>>;
