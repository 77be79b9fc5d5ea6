export { type BuildAppOptions, buildApp, type CaseApp, CONSOLE_CSP } from './app.js';
export type { CaseApiContext } from './context.js';
export { ApiError, ERROR_CODES, type ErrorCode } from './errors.js';
export { type LetterHeading, type WeeklyReport, weeklyReportDocx } from './letters.js';
export { KIND_LABELS, weeklyReport, weeklyReportCsv } from './reports.js';
