import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './helpers.js';

type Ctx = Awaited<ReturnType<typeof build>>;
type Operation = { method: string; path: string };

/** Strings attackers and tired people type: markup, quotes, SQL, FTS and query syntax, control characters. */
const hostile = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; DROP TABLE cases; --',
    '*:*',
    'NEAR(a b)',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '\u0000',
    '\ud800',
    '9'.repeat(400),
    '-1',
    'NaN',
    '1e309',
    '__proto__',
    'constructor',
  ),
);
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(
      'assignee',
      'note',
      'verdict',
      'sources',
      'reason',
      'dueAt',
      'platform',
      'handle',
      'url',
      'text',
      'name',
      'query',
      'caseIds',
      'amount',
      'legalBasis',
      '__proto__',
      'constructor',
    ),
    fc.oneof(hostile, fc.integer(), fc.boolean(), fc.constant(null), fc.array(hostile, { maxLength: 3 })),
    { maxKeys: 6 },
  ),
);

/**
 * Every operation of the OpenAPI document, called with fuzzed path parameters, query strings and
 * bodies, as every role and as nobody: the API answers each with a status below 500 and, for a
 * refusal, a JSON error with a stable code. A 5xx here is a bug the fuzzer found.
 */
describe('case API under fuzzed requests', () => {
  let ctx: Ctx;
  let operations: Operation[];
  beforeAll(async () => {
    ctx = await build({ tips: { tipsPerWindow: 1_000_000, windowMs: 60_000 } });
    await ctx.app.ready();
    const spec = ctx.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  afterAll(async () => ctx?.close());

  it('knows the operations it fuzzes', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(operations).toContainEqual({ method: 'POST', path: '/api/cases/{id}/verdict' });
  });

  it('answers every operation below 500, with a coded JSON error when it refuses', async () => {
    const roles = ['analyst', 'supervisor', 'press_office', 'police_liaison', 'admin', null] as const;
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom(...roles),
        fc.oneof(hostile, fc.constant('REAL_CASE')),
        fc.dictionary(
          fc.constantFrom('q', 'status', 'limit', 'offset', 'sort', 'from', 'to', 'claimType', 'region', 'format'),
          hostile,
          { maxKeys: 4 },
        ),
        fc.option(anyJson, { nil: undefined }),
        async (pick, role, param, query, body) => {
          const op = operations[pick % operations.length]!;
          const id = param === 'REAL_CASE' ? ctx.caseId : param;
          // A lone surrogate cannot be percent-encoded as UTF-8: send the bytes a broken client would.
          const encode = (v: string) => {
            try {
              return encodeURIComponent(v);
            } catch {
              return '%ED%A0%80';
            }
          };
          const url = op.path.replace(/\{[^}]+\}/g, () => encode(id) || 'x');
          const qs = Object.entries(query)
            .map(([k, v]) => `${k}=${encode(v)}`)
            .join('&');
          const res = await ctx.app.inject({
            method: op.method as 'GET',
            url: qs ? `${url}?${qs}` : url,
            headers: role ? ctx.as(role) : {},
            ...(body !== undefined && op.method !== 'GET' ? { payload: body as object } : {}),
          });
          if (res.statusCode >= 500) {
            failures.push(`${op.method} ${url}?${qs} as ${role}: ${res.statusCode} ${res.body.slice(0, 300)}`);
          }
          expect(res.statusCode, failures.at(-1)).toBeLessThan(500);
          if (res.statusCode >= 400) {
            const err = res.json() as { code?: string; message?: string; requestId?: string };
            expect(err.code).toMatch(/^CASE_ERR_[A-Z_]+$/);
            expect(err.message).toBeTruthy();
            expect(err.requestId).toBeTruthy();
          }
        },
      ),
      { numRuns: 1_500 },
    );
  }, 240_000);

  it('refuses malformed bodies: not JSON, the wrong content type, too deep, too big', async () => {
    const token = ctx.as('supervisor');
    const send = (payload: string, contentType: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/cases/${ctx.caseId}/assign`,
        headers: { ...token, 'content-type': contentType },
        payload,
      });
    for (const [payload, type, status] of [
      ['{"assignee": ', 'application/json', 400],
      ['\xff\xfe', 'application/json', 400],
      ['assignee=x', 'application/x-www-form-urlencoded', 415],
      ['<xml/>', 'text/xml', 415],
      [`${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'application/json', 400],
      [JSON.stringify({ assignee: 'a'.repeat(2 * 1024 * 1024) }), 'application/json', 413],
    ] as const) {
      const r = await send(payload, type);
      expect(r.statusCode, payload.slice(0, 20)).toBe(status);
      expect((r.json() as { code: string }).code).toMatch(/^CASE_ERR_/);
    }
  });
});
