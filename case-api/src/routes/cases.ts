import { createHash } from 'node:crypto';
import {
  type Actor,
  CASE_ACTIONS,
  type CaseAction,
  type CaseCommand,
  type CaseDetail,
  ConflictError,
  canTransition,
  NotFoundError,
  type Role,
  roleMayAct,
  type User,
} from '@kc/pipeline';
import { CaseSchema, PosterSchema } from '@kc/pipeline/domain';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evidenceBundle } from '../bundle.js';
import { claimReview } from '../claim-review.js';
import type { CaseApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { authorize, requireUser } from '../plugins/auth.js';
import { ResponseCache, sendCached } from '../response-cache.js';
import {
  AssignBody,
  AuditList,
  BulkAssignBody,
  BulkDismissBody,
  BulkResult,
  CaseIdParams,
  CaseList,
  CaseListQuery,
  CaseView,
  CorrectionBody,
  EscalationBody,
  EscalationIdParams,
  MergeBody,
  OutcomeBody,
  PosterBody,
  PosterIdParams,
  PublishBody,
  RebuttalBody,
  RebuttalIdParams,
  VerdictBody,
  WorkloadList,
} from '../schemas/cases.js';
import { errorResponses } from '../schemas/common.js';

/** Roles that may see poster identity (DESIGN.md). */
const POSTER_VISIBLE_TO: readonly Role[] = ['analyst', 'supervisor', 'police_liaison'];

export const caseRoutes: FastifyPluginAsyncZod<{ ctx: CaseApiContext }> = async (app, { ctx }) => {
  const actorOf = (u: User): Actor => ({ userId: u.id, username: u.username, role: u.role });

  /** A police liaison sees only cases escalated to the police and approved. */
  const visibleCase = async (user: User, id: string): Promise<CaseDetail> => {
    const detail = await ctx.cases.get(id);
    if (!detail) throw new ApiError('CASE_ERR_NOT_FOUND', `Không tìm thấy vụ việc ${id}.`);
    if (user.role === 'police_liaison' && !detail.escalations.some((e) => e.status !== 'pending_approval')) {
      throw new ApiError('CASE_ERR_NOT_FOUND', `Không tìm thấy vụ việc ${id}.`);
    }
    return detail;
  };

  const view = async (user: User, detail: CaseDetail) => {
    const [posts, timeline] = await Promise.all([ctx.index.get(detail.postIds), ctx.cases.audit(detail.case.id)]);
    const maySeePoster = POSTER_VISIBLE_TO.includes(user.role);
    if (maySeePoster && detail.poster?.identity) {
      await ctx.cases.auditEvent(detail.case.id, user.username, 'poster_identity_viewed', {
        posterId: detail.poster.id,
      });
    }
    const allowedActions = (Object.keys(CASE_ACTIONS) as CaseAction[]).filter(
      (a) => roleMayAct(a, user.role) && canTransition(a, detail.case.status),
    );
    return {
      case: detail.case,
      posts: posts.map((p) => ({ post: p.post, classification: p.classification })),
      poster: maySeePoster ? detail.poster : null,
      posterHidden: !maySeePoster,
      corrections: [...detail.corrections],
      escalations: [...detail.escalations],
      rebuttals: [...detail.rebuttals],
      timeline,
      allowedActions,
    };
  };

  /** Runs a workflow command after the role check; `If-Match: <version>` guards against stale writes. */
  const act = async (req: FastifyRequest, caseId: string, command: CaseCommand) => {
    const user = requireUser(req);
    if (!roleMayAct(command.action, user.role)) {
      throw new ApiError('CASE_ERR_FORBIDDEN', `Vai trò ${user.role} không được phép thực hiện “${command.action}”.`);
    }
    await visibleCase(user, caseId);
    const detail = await ctx.cases.apply(caseId, command, actorOf(user), expectedVersion(req));
    req.log.info({ caseId, action: command.action, version: detail.case.version }, 'case changed');
    return view(user, detail);
  };

  const caseResponse = { 200: CaseView, ...errorResponses };
  const listCache = new ResponseCache();

  app.get(
    '/api/cases',
    {
      schema: {
        tags: ['cases'],
        summary: 'List cases (triage queue); police liaisons see only cases escalated to them',
        querystring: CaseListQuery,
        response: { 200: CaseList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const user = authorize(req, 'GET /api/cases');
      const q = req.query;
      const escalatedOnly = user.role === 'police_liaison';
      // The triage queue is asked for again and again between writes: answers are kept until the
      // store changes (never for "overdue", which moves with the clock).
      const token = q.overdue ? undefined : ctx.cases.changeToken?.();
      const key = token === undefined ? '' : JSON.stringify([escalatedOnly, q]);
      if (token !== undefined) {
        const hit = listCache.get(key, token);
        if (hit !== undefined) return sendCached(req, reply, hit);
      }
      const result = await ctx.cases.list({
        ...(q.status ? { status: q.status } : {}),
        ...(q.q ? { q: q.q } : {}),
        ...(q.assignee ? { assignee: q.assignee } : {}),
        ...(q.claimType ? { claimType: q.claimType } : {}),
        ...(q.platform ? { platform: q.platform } : {}),
        ...(q.region ? { region: q.region } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.awaiting ? { awaiting: q.awaiting } : {}),
        overdue: q.overdue,
        sort: q.sort,
        escalatedOnly,
        limit: q.limit,
        offset: q.offset,
      });
      if (token === undefined) return result;
      return sendCached(req, reply, listCache.set(key, token, JSON.stringify(CaseList.parse(result))));
    },
  );

  app.get(
    '/api/workload',
    {
      schema: {
        tags: ['cases'],
        summary: 'Cases in review per assignee, and how many are past their verdict deadline',
        response: { 200: WorkloadList, ...errorResponses },
      },
    },
    async (req) => {
      authorize(req, 'GET /api/workload');
      return { items: await ctx.cases.workload() };
    },
  );

  /** Applies one command to many cases; each case succeeds or fails on its own. */
  const bulk = async (req: FastifyRequest, caseIds: readonly string[], command: CaseCommand) => {
    const user = requireUser(req);
    const results = [];
    for (const caseId of caseIds) {
      try {
        await ctx.cases.apply(caseId, command, actorOf(user));
        results.push({ caseId, ok: true });
      } catch (err) {
        const code =
          err instanceof ConflictError
            ? 'CASE_ERR_CONFLICT'
            : err instanceof NotFoundError
              ? 'CASE_ERR_NOT_FOUND'
              : null;
        if (!code) throw err;
        results.push({ caseId, ok: false, code, message: (err as Error).message });
      }
    }
    req.log.info({ action: command.action, cases: caseIds.length }, 'bulk action');
    return { results };
  };

  app.post(
    '/api/cases/bulk/assign',
    {
      schema: {
        tags: ['cases'],
        summary: 'Assign many cases to one analyst (supervisor)',
        body: BulkAssignBody,
        response: { 200: BulkResult, ...errorResponses },
      },
    },
    async (req) => {
      authorize(req, 'POST /api/cases/bulk/assign');
      const assignee = (await ctx.users.list()).find(
        (u) => u.username.toLowerCase() === req.body.assignee.toLowerCase(),
      );
      if (!assignee || (assignee.role !== 'analyst' && assignee.role !== 'supervisor')) {
        throw new ApiError('CASE_ERR_VALIDATION', `Không có chuyên viên nào tên “${req.body.assignee}”.`, [
          { field: 'body.assignee', message: 'không phải chuyên viên hoặc lãnh đạo thanh tra' },
        ]);
      }
      return bulk(req, req.body.caseIds, { action: 'assign', assignee: assignee.username });
    },
  );

  app.post(
    '/api/cases/bulk/dismiss',
    {
      schema: {
        tags: ['cases'],
        summary: 'Dismiss many obvious non-cases from triage, with a reason',
        body: BulkDismissBody,
        response: { 200: BulkResult, ...errorResponses },
      },
    },
    async (req) => {
      authorize(req, 'POST /api/cases/bulk/dismiss');
      return bulk(req, req.body.caseIds, { action: 'dismiss', note: req.body.note });
    },
  );

  app.get(
    '/api/cases/:id',
    {
      schema: {
        tags: ['cases'],
        summary: 'One case: posts, classifier reasons, poster, corrections, escalations, timeline',
        params: CaseIdParams,
        response: caseResponse,
      },
    },
    async (req, reply) => {
      const user = authorize(req, 'GET /api/cases/:id');
      const detail = await visibleCase(user, req.params.id);
      reply.header('etag', `"${detail.case.version}"`);
      return view(user, detail);
    },
  );

  app.post(
    '/api/cases/:id/assign',
    {
      schema: {
        tags: ['cases'],
        summary: 'Assign for review (new → in_review)',
        params: CaseIdParams,
        body: AssignBody,
        response: caseResponse,
      },
    },
    async (req) => {
      const user = authorize(req, 'POST /api/cases/:id/assign');
      const assignee = (await ctx.users.list()).find(
        (u) => u.username.toLowerCase() === req.body.assignee.toLowerCase(),
      );
      if (!assignee || (assignee.role !== 'analyst' && assignee.role !== 'supervisor')) {
        throw new ApiError('CASE_ERR_VALIDATION', `Không có chuyên viên nào tên “${req.body.assignee}”.`, [
          { field: 'body.assignee', message: 'không phải chuyên viên hoặc lãnh đạo thanh tra' },
        ]);
      }
      if (user.role === 'analyst' && assignee.id !== user.id) {
        throw new ApiError(
          'CASE_ERR_FORBIDDEN',
          'Chuyên viên chỉ có thể tự nhận vụ việc; việc phân công do lãnh đạo thực hiện.',
        );
      }
      return act(req, req.params.id, { action: 'assign', assignee: assignee.username });
    },
  );

  app.post(
    '/api/cases/:id/verdict',
    {
      schema: {
        tags: ['cases'],
        summary: 'Record the verdict: false | misleading | true | not_covid',
        params: CaseIdParams,
        body: VerdictBody,
        response: caseResponse,
      },
    },
    async (req) => {
      const user = authorize(req, 'POST /api/cases/:id/verdict');
      if (user.role === 'analyst') {
        const detail = await visibleCase(user, req.params.id);
        if (detail.case.assignee && detail.case.assignee !== user.username) {
          throw new ApiError('CASE_ERR_FORBIDDEN', `Vụ việc đang được giao cho ${detail.case.assignee}.`);
        }
      }
      return act(req, req.params.id, { action: 'verdict', ...req.body });
    },
  );

  app.put(
    '/api/cases/:id/poster',
    {
      schema: {
        tags: ['cases'],
        summary: 'Link the case to its poster',
        params: CaseIdParams,
        body: PosterBody,
        response: caseResponse,
      },
    },
    async (req) =>
      act(req, req.params.id, {
        action: 'link_poster',
        platform: req.body.platform,
        handle: req.body.handle,
        profileUrl: req.body.profileUrl,
        displayName: req.body.displayName ?? null,
        identity: req.body.identity ?? null,
      }),
  );

  app.get(
    '/api/posters/:id',
    {
      schema: {
        tags: ['posters'],
        summary: 'A poster with identity and all its cases (every view of identity is audited)',
        params: PosterIdParams,
        response: { 200: z.object({ poster: PosterSchema, cases: z.array(CaseSchema) }), ...errorResponses },
      },
    },
    async (req) => {
      const user = authorize(req, 'GET /api/posters/:id');
      const found = await ctx.cases.poster(req.params.id);
      if (!found) throw new ApiError('CASE_ERR_NOT_FOUND', 'Không tìm thấy người đăng.');
      const details = (await Promise.all(found.caseIds.map((id) => ctx.cases.get(id)))).filter(
        (d): d is CaseDetail => d !== null,
      );
      // A police liaison sees a poster only through the cases escalated to them.
      const visible =
        user.role === 'police_liaison'
          ? details.filter((d) => d.escalations.some((e) => e.status !== 'pending_approval'))
          : details;
      if (visible.length === 0 && user.role === 'police_liaison') {
        throw new ApiError('CASE_ERR_NOT_FOUND', 'Không tìm thấy người đăng.');
      }
      if (found.poster.identity) {
        await ctx.cases.auditEvent(null, user.username, 'poster_identity_viewed', { posterId: found.poster.id });
      }
      return { poster: found.poster, cases: visible.map((d) => d.case) };
    },
  );

  app.post(
    '/api/posters/:id/merge',
    {
      schema: {
        tags: ['posters'],
        summary: 'Merge this poster record into another (same person, two records)',
        params: PosterIdParams,
        body: MergeBody,
        response: { 200: z.object({ poster: PosterSchema }), ...errorResponses },
      },
    },
    async (req) => {
      const user = authorize(req, 'POST /api/posters/:id/merge');
      const poster = await ctx.cases.mergePosters(req.params.id, req.body.into, actorOf(user));
      return { poster };
    },
  );

  app.post(
    '/api/cases/:id/corrections',
    {
      schema: {
        tags: ['cases'],
        summary: 'Request a correction from the outlet or poster, with a due date',
        params: CaseIdParams,
        body: CorrectionBody,
        response: caseResponse,
      },
    },
    async (req) => {
      authorize(req, 'POST /api/cases/:id/corrections');
      if (Date.parse(req.body.dueAt) <= Date.now()) {
        throw new ApiError('CASE_ERR_VALIDATION', 'Hạn cải chính phải ở tương lai.', [
          { field: 'body.dueAt', message: 'phải là thời điểm trong tương lai' },
        ]);
      }
      return act(req, req.params.id, {
        action: 'request_correction',
        ...req.body,
        dueAt: new Date(req.body.dueAt).toISOString(),
      });
    },
  );

  app.post(
    '/api/cases/:id/escalations',
    {
      schema: {
        tags: ['escalations'],
        summary: 'Ask to refer the case to the police (needs supervisor approval)',
        params: CaseIdParams,
        body: EscalationBody,
        response: caseResponse,
      },
    },
    async (req) => act(req, req.params.id, { action: 'request_escalation', ...req.body }),
  );

  app.post(
    '/api/escalations/:id/approve',
    {
      schema: {
        tags: ['escalations'],
        summary: 'Supervisor sign-off: the case is sent to the police',
        params: EscalationIdParams,
        response: caseResponse,
      },
    },
    async (req) => {
      requireUser(req);
      const caseId = await ctx.cases.caseIdOfEscalation(req.params.id);
      if (!caseId) throw new ApiError('CASE_ERR_NOT_FOUND', `Không tìm thấy đề nghị chuyển ${req.params.id}.`);
      return act(req, caseId, { action: 'approve_escalation', escalationId: req.params.id });
    },
  );

  app.post(
    '/api/escalations/:id/acknowledge',
    {
      schema: {
        tags: ['escalations'],
        summary: 'Police liaison acknowledges receipt',
        params: EscalationIdParams,
        response: caseResponse,
      },
    },
    async (req) => {
      requireUser(req);
      const caseId = await ctx.cases.caseIdOfEscalation(req.params.id);
      if (!caseId) throw new ApiError('CASE_ERR_NOT_FOUND', `Không tìm thấy đề nghị chuyển ${req.params.id}.`);
      return act(req, caseId, { action: 'acknowledge_escalation', escalationId: req.params.id });
    },
  );

  app.post(
    '/api/cases/:id/comments',
    {
      schema: {
        tags: ['cases'],
        summary: 'Comment on the case timeline',
        params: CaseIdParams,
        body: z.object({ text: z.string().trim().min(1).max(5000) }),
        response: caseResponse,
      },
    },
    async (req) => {
      const user = authorize(req, 'POST /api/cases/:id/comments');
      const detail = await visibleCase(user, req.params.id);
      await ctx.cases.note(detail.case.id, user.username, 'comment', { text: req.body.text });
      return view(user, (await ctx.cases.get(detail.case.id))!);
    },
  );

  for (const [path, summary, pick] of [
    ['evidence', 'Capture evidence again (full-page screenshot and HTML) of every post of the case', 'requestEvidence'],
    ['recrawl', 'Re-crawl the posts of the case to see whether they were corrected or taken down', 'requestRecrawl'],
  ] as const) {
    app.post(
      `/api/cases/:id/${path}`,
      {
        schema: {
          tags: ['cases'],
          summary,
          params: CaseIdParams,
          response: { 202: z.object({ queued: z.number().int() }), ...errorResponses },
        },
      },
      async (req, reply) => {
        const user = authorize(req, `POST /api/cases/:id/${path}`);
        const detail = await visibleCase(user, req.params.id);
        const queue = ctx[pick];
        if (!queue) throw new ApiError('CASE_ERR_INTERNAL', 'Chức năng này chưa được bật trên máy chủ.');
        await queue(detail.case.id, detail.postIds);
        req.log.info({ caseId: detail.case.id, posts: detail.postIds.length }, `${path} requested`);
        return reply.code(202).send({ queued: detail.postIds.length });
      },
    );
  }

  app.post(
    '/api/cases/:id/rebuttals',
    {
      schema: {
        tags: ['rebuttals'],
        summary: 'Draft a rebuttal (press office): title, body and the official sources',
        params: CaseIdParams,
        body: RebuttalBody,
        response: caseResponse,
      },
    },
    async (req) => {
      authorize(req, 'POST /api/cases/:id/rebuttals');
      return act(req, req.params.id, { action: 'draft_rebuttal', ...req.body });
    },
  );

  const rebuttalCase = async (id: string) => {
    const caseId = await ctx.cases.caseIdOfRebuttal(id);
    if (!caseId) throw new ApiError('CASE_ERR_NOT_FOUND', `Không tìm thấy bài phản bác ${id}.`);
    return caseId;
  };

  app.post(
    '/api/rebuttals/:id/approve',
    {
      schema: {
        tags: ['rebuttals'],
        summary: 'Supervisor approves a rebuttal draft',
        params: RebuttalIdParams,
        response: caseResponse,
      },
    },
    async (req) => {
      authorize(req, 'POST /api/rebuttals/:id/approve');
      return act(req, await rebuttalCase(req.params.id), { action: 'approve_rebuttal', rebuttalId: req.params.id });
    },
  );

  app.post(
    '/api/rebuttals/:id/publish',
    {
      schema: {
        tags: ['rebuttals'],
        summary: 'Record where and when an approved rebuttal was published',
        params: RebuttalIdParams,
        body: PublishBody,
        response: caseResponse,
      },
    },
    async (req) => {
      authorize(req, 'POST /api/rebuttals/:id/publish');
      return act(req, await rebuttalCase(req.params.id), {
        action: 'publish_rebuttal',
        rebuttalId: req.params.id,
        where: req.body.where,
        url: req.body.url ?? null,
        publishedAt: req.body.publishedAt ? new Date(req.body.publishedAt).toISOString() : new Date().toISOString(),
      });
    },
  );

  app.get(
    '/api/rebuttals/:id/claimreview',
    {
      schema: {
        tags: ['rebuttals'],
        summary: 'A published rebuttal as schema.org ClaimReview JSON-LD (public, for search engines)',
        security: [],
        params: RebuttalIdParams,
      },
    },
    async (req, reply) => {
      const caseId = await rebuttalCase(req.params.id);
      const detail = (await ctx.cases.get(caseId))!;
      const rebuttal = detail.rebuttals.find((r) => r.id === req.params.id)!;
      if (rebuttal.status !== 'published') throw new ApiError('CASE_ERR_NOT_FOUND', 'Bài phản bác chưa được đăng.');
      const posts = await ctx.index.get(detail.postIds);
      reply.type('application/ld+json; charset=utf-8');
      return claimReview(detail, rebuttal, posts, ctx.organization ?? 'Sở Thông tin và Truyền thông');
    },
  );

  app.get(
    '/api/escalations/:id/bundle',
    {
      schema: {
        tags: ['escalations'],
        summary: 'Evidence bundle (ZIP with a SHA-256 manifest) of an approved escalation',
        params: EscalationIdParams,
      },
    },
    async (req, reply) => {
      const user = authorize(req, 'GET /api/escalations/:id/bundle');
      const caseId = await ctx.cases.caseIdOfEscalation(req.params.id);
      if (!caseId) throw new ApiError('CASE_ERR_NOT_FOUND', `Không tìm thấy đề nghị chuyển ${req.params.id}.`);
      const detail = await visibleCase(user, caseId);
      const escalation = detail.escalations.find((e) => e.id === req.params.id)!;
      if (escalation.status === 'pending_approval') {
        throw new ApiError('CASE_ERR_CONFLICT', 'Hồ sơ chỉ được lập sau khi lãnh đạo duyệt chuyển công an.');
      }
      const [posts, timeline] = await Promise.all([ctx.index.get(detail.postIds), ctx.cases.audit(caseId)]);
      const { zip, manifest } = await evidenceBundle({
        detail,
        escalationId: escalation.id,
        posts,
        timeline,
        evidence: ctx.evidence,
        user,
      });
      await ctx.cases.auditEvent(caseId, user.username, 'evidence_bundle_downloaded', {
        escalationId: escalation.id,
        files: manifest.files.length,
        manifestSha256: createHash('sha256').update(JSON.stringify(manifest)).digest('hex'),
      });
      reply.header('content-disposition', `attachment; filename="ho-so-${caseId}.zip"`);
      return reply.type('application/zip').send(Buffer.from(zip));
    },
  );

  app.post(
    '/api/escalations/:id/progress',
    {
      schema: {
        tags: ['escalations'],
        summary: 'Police liaison: the case is being handled',
        params: EscalationIdParams,
        response: caseResponse,
      },
    },
    async (req) => {
      authorize(req, 'POST /api/escalations/:id/progress');
      const caseId = await ctx.cases.caseIdOfEscalation(req.params.id);
      if (!caseId) throw new ApiError('CASE_ERR_NOT_FOUND', `Không tìm thấy đề nghị chuyển ${req.params.id}.`);
      return act(req, caseId, { action: 'progress_escalation', escalationId: req.params.id });
    },
  );

  app.post(
    '/api/escalations/:id/outcome',
    {
      schema: {
        tags: ['escalations'],
        summary: 'Police liaison reports the outcome back; the case is closed with it',
        params: EscalationIdParams,
        body: OutcomeBody,
        response: caseResponse,
      },
    },
    async (req) => {
      authorize(req, 'POST /api/escalations/:id/outcome');
      const caseId = await ctx.cases.caseIdOfEscalation(req.params.id);
      if (!caseId) throw new ApiError('CASE_ERR_NOT_FOUND', `Không tìm thấy đề nghị chuyển ${req.params.id}.`);
      const b = req.body;
      return act(req, caseId, {
        action: 'close_escalation',
        escalationId: req.params.id,
        outcome: { kind: b.kind, amountVnd: b.amountVnd ?? null, legalBasis: b.legalBasis ?? null, note: b.note },
      });
    },
  );

  app.get(
    '/api/cases/:id/audit',
    {
      schema: {
        tags: ['cases'],
        summary: 'Audit trail of the case (hash-chained)',
        params: CaseIdParams,
        response: { 200: AuditList, ...errorResponses },
      },
    },
    async (req) => {
      const user = authorize(req, 'GET /api/cases/:id/audit');
      await visibleCase(user, req.params.id);
      return { items: await ctx.cases.audit(req.params.id) };
    },
  );
};

function expectedVersion(req: FastifyRequest): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,12})"?$/.exec(String(header).trim());
  if (!match) {
    throw new ApiError('CASE_ERR_VALIDATION', 'If-Match phải là số phiên bản của vụ việc, ví dụ "3".', [
      { field: 'headers.if-match', message: 'not a case version' },
    ]);
  }
  return Number(match[1]);
}
