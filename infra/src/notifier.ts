import { createHmac } from 'node:crypto';
import type { CaseEvent, CaseStore, Logger } from '@kc/pipeline';
import nodemailer from 'nodemailer';

/** What each notified action means, in Vietnamese, for e-mail subjects and webhook messages. */
const MESSAGES: Readonly<Record<string, (e: CaseEvent) => string>> = {
  assign: (e) => `Vụ việc ${e.caseId} được giao cho ${String(e.data.assignee)}`,
  request_escalation: (e) => `Đề nghị chuyển công an vụ việc ${e.caseId}: chờ lãnh đạo duyệt`,
  approve_escalation: (e) => `Vụ việc ${e.caseId} đã được duyệt chuyển cơ quan công an`,
  acknowledge_escalation: (e) => `Công an đã tiếp nhận vụ việc ${e.caseId}`,
  close_escalation: (e) => `Công an đã báo kết quả xử lý vụ việc ${e.caseId}`,
  request_correction: (e) => `Đã gửi đề nghị cải chính vụ việc ${e.caseId}, hạn ${String(e.data.dueAt)}`,
  approve_rebuttal: (e) => `Bài phản bác của vụ việc ${e.caseId} đã được duyệt`,
  case_overdue: (e) => `Vụ việc ${e.caseId} quá hạn kết luận xác minh`,
};

export interface NotifierOptions {
  readonly cases: CaseStore;
  readonly log: Logger;
  readonly webhookUrl?: string | undefined;
  /** HMAC-SHA256 key for the x-kc-signature header. */
  readonly webhookSecret?: string | undefined;
  /** e.g. smtp://mail.stttt.gov.vn:25 */
  readonly smtpUrl?: string | undefined;
  readonly emailTo?: readonly string[];
  readonly emailFrom?: string;
  readonly pollMs?: number;
}

/**
 * Notifications through an outbox: the audit log. Every change is already written there in the
 * same transaction as the change, so the notifier tails it from its saved position and moves on
 * only after delivery — a receiver that is down delays notifications but loses none. Receivers
 * deduplicate by event id (x-kc-event-id). Overdue verdicts are noticed on each pass.
 */
export class Notifier {
  readonly #o: NotifierOptions;
  readonly #mail: ReturnType<typeof nodemailer.createTransport> | null;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #failures = 0;
  #stopped = false;

  constructor(options: NotifierOptions) {
    this.#o = options;
    this.#mail = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  }

  get enabled(): boolean {
    return Boolean(this.#o.webhookUrl || (this.#mail && this.#o.emailTo?.length));
  }

  start(): void {
    if (!this.enabled) return;
    const tick = () => {
      if (this.#stopped) return;
      this.#running = this.pass()
        .then(() => {
          this.#failures = 0;
        })
        .catch((err) => {
          this.#failures++;
          this.#o.log.warn(
            { err: (err as Error).message, failures: this.#failures },
            'notification not delivered; will retry',
          );
        })
        .finally(() => {
          const backoff = Math.min(60_000, (this.#o.pollMs ?? 2_000) * 2 ** Math.min(this.#failures, 5));
          this.#timer = setTimeout(tick, backoff);
          this.#timer.unref();
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
    this.#mail?.close();
  }

  /** Delivers every notifiable event after the saved position; throws (and keeps the position) on failure. */
  async pass(): Promise<number> {
    const { cases } = this.#o;
    await this.#noticeOverdue();
    let delivered = 0;
    for (;;) {
      const from = await cases.cursor('notifications');
      const events = await cases.auditSince(from, 50);
      if (events.length === 0) return delivered;
      for (const e of events) {
        if (MESSAGES[e.action]) {
          await this.#deliver(e);
          delivered++;
        }
        await cases.setCursor('notifications', e.seq);
      }
    }
  }

  async #noticeOverdue(): Promise<void> {
    const { cases } = this.#o;
    const overdue = await cases.list({ overdue: true, limit: 200, offset: 0 });
    for (const c of overdue.items) {
      const told = (await cases.audit(c.id)).some((e) => e.action === 'case_overdue');
      if (!told) await cases.auditEvent(c.id, 'system:deadlines', 'case_overdue', { verdictDueAt: c.verdictDueAt });
    }
  }

  async #deliver(e: CaseEvent): Promise<void> {
    const message = MESSAGES[e.action]!(e);
    const payload = { id: e.seq, action: e.action, caseId: e.caseId, actor: e.actor, at: e.at, message };
    if (this.#o.webhookUrl) {
      const body = JSON.stringify(payload);
      const signature = createHmac('sha256', this.#o.webhookSecret ?? '')
        .update(body)
        .digest('hex');
      const res = await fetch(this.#o.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-kc-event-id': String(e.seq),
          'x-kc-signature': `sha256=${signature}`,
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    }
    if (this.#mail && this.#o.emailTo?.length) {
      await this.#mail.sendMail({
        from: this.#o.emailFrom ?? 'kiem-chung@localhost',
        to: [...this.#o.emailTo],
        subject: `[Kiểm Chứng] ${message}`,
        text: `${message}\n\nThời gian: ${e.at}\nNgười thực hiện: ${e.actor}\nMã sự kiện: ${e.seq}\n`,
        headers: { 'X-KC-Event-Id': String(e.seq) },
      });
    }
  }
}
