export { type BuildAppOptions, buildApp, type CaseApp, CONSOLE_CSP } from './app.js';
export type { CaseApiContext } from './context.js';
export { ApiError, ERROR_CODES, type ErrorCode } from './errors.js';
