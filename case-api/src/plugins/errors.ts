import { ConflictError, NotFoundError } from '@kc/pipeline';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError } from '../errors.js';

/** The one error handler: stable codes, field names on 400, no internals on 5xx. */
export const errorPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError | Error, req, reply) => {
      const requestId = String(req.id);
      if (hasZodFastifySchemaValidationErrors(err)) {
        const fields = err.validation.map((v) => ({
          field:
            [err.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.') ||
            String(err.validationContext),
          message: v.message ?? 'invalid',
        }));
        const list = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
        return reply
          .code(400)
          .send({ code: 'CASE_ERR_VALIDATION', message: `Dữ liệu không hợp lệ — ${list}`, requestId, fields });
      }
      if (err instanceof ApiError) {
        return reply.code(err.status).send({ code: err.code, message: err.message, requestId, fields: err.fields });
      }
      if (err instanceof ConflictError) {
        return reply.code(409).send({ code: 'CASE_ERR_CONFLICT', message: err.message, requestId });
      }
      if (err instanceof NotFoundError) {
        return reply.code(404).send({ code: 'CASE_ERR_NOT_FOUND', message: err.message, requestId });
      }
      const status = (err as FastifyError).statusCode;
      if (status === 413) {
        return reply
          .code(413)
          .send({ code: 'CASE_ERR_PAYLOAD_TOO_LARGE', message: 'Nội dung gửi lên quá lớn.', requestId });
      }
      if (status === 415) {
        return reply.code(415).send({
          code: 'CASE_ERR_UNSUPPORTED_MEDIA_TYPE',
          message: 'Máy chủ chỉ nhận dữ liệu JSON (Content-Type: application/json).',
          requestId,
        });
      }
      if (status && status >= 400 && status < 500) {
        return reply.code(400).send({ code: 'CASE_ERR_VALIDATION', message: err.message, requestId });
      }
      req.log.error({ err }, 'request failed');
      return reply.code(500).send({ code: 'CASE_ERR_INTERNAL', message: 'Lỗi hệ thống; hãy thử lại sau.', requestId });
    });
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send({ code: 'CASE_ERR_NOT_FOUND', message: 'Không tìm thấy.', requestId: String(req.id) }),
    );
  },
  { name: 'kc-errors' },
);
