/**
 * The API's stable error codes. Every error response is `{ code, message, requestId, fields? }`;
 * clients branch on `code`, people read `message`. 5xx details are never sent to clients.
 */
export const ERROR_CODES = {
  CASE_ERR_VALIDATION: {
    status: 400,
    summary: 'The request body, query or parameters are invalid; `fields` names them.',
  },
  CASE_ERR_UNAUTHENTICATED: { status: 401, summary: 'No valid session: log in again.' },
  CASE_ERR_BAD_CREDENTIALS: { status: 401, summary: 'Wrong username or password.' },
  CASE_ERR_FORBIDDEN: { status: 403, summary: 'Your role may not do this.' },
  CASE_ERR_NOT_FOUND: { status: 404, summary: 'No such record, or it is not visible to you.' },
  CASE_ERR_CONFLICT: {
    status: 409,
    summary: 'Stale version or a transition the workflow does not allow: reload the case.',
  },
  CASE_ERR_PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request body is too large.' },
  CASE_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'Bodies are JSON: send Content-Type: application/json.' },
  CASE_ERR_ACCOUNT_LOCKED: {
    status: 429,
    summary:
      'Too many failed logins for this username: it is locked until the time given; wait for Retry-After seconds.',
  },
  CASE_ERR_RATE_LIMITED: { status: 429, summary: 'Too many requests from this address; wait for Retry-After seconds.' },
  CASE_ERR_INTERNAL: { status: 500, summary: 'Unexpected server error; the log has the details under the request id.' },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** An error the API answers with a stable code and a message meant for people. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: { field: string; message: string }[] | undefined;
  constructor(code: ErrorCode, message: string, fields?: { field: string; message: string }[]) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.fields = fields;
  }
}
