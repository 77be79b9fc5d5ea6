import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type AppProcess, startApp, tempDataDir, waitFor, waitForCrawl } from '../helpers/app-process.js';

/**
 * Notifications through the audit-log outbox, to a real HTTP webhook and a real SMTP server on
 * loopback. The webhook is down at first: nothing is lost, it arrives once the receiver is back.
 */
describe('notifications', () => {
  const SECRET = 'khoa-bi-mat-cua-webhook-0123456789';
  const received: { id: string; body: string; signature: string }[] = [];
  const mails: string[] = [];
  let refusals = 3;
  let hook: Server;
  let smtp: SMTPServer;
  let app: AppProcess;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        if (refusals > 0) {
          refusals--;
          res.writeHead(503).end();
          return;
        }
        received.push({
          id: String(req.headers['x-kc-event-id']),
          body,
          signature: String(req.headers['x-kc-signature']),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, cb) {
        let raw = '';
        stream.on('data', (d) => {
          raw += d;
        });
        stream.on('end', () => {
          mails.push(raw);
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    app = await startApp({
      dataDir: tempDataDir(),
      env: {
        KC_NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
        KC_NOTIFY_WEBHOOK_SECRET: SECRET,
        KC_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        KC_NOTIFY_EMAILS: 'chanh.thanhtra@stttt.example.vn',
        KC_NOTIFY_POLL_MS: '200',
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    hook?.close();
    await new Promise<void>((r) => smtp?.close(() => r()));
  });

  it('delivers an assignment to the webhook (signed) and by e-mail, after the webhook comes back', async () => {
    const sup = await new ApiClient(app.url).login('giamsat');
    await waitForCrawl(sup);
    const id = (await sup.call('GET', '/api/cases')).body.items[0].id as string;
    expect((await sup.call('POST', `/api/cases/${id}/assign`, { assignee: 'phantich' })).status).toBe(200);
    const hit = await waitFor(
      'the assignment at the webhook',
      async () => received.find((r) => JSON.parse(r.body).action === 'assign'),
      60_000,
    );
    expect(refusals).toBe(0);
    const payload = JSON.parse(hit.body);
    expect(payload).toMatchObject({ caseId: id, actor: 'giamsat', message: `Vụ việc ${id} được giao cho phantich` });
    expect(hit.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(hit.body).digest('hex')}`);
    // Delivered once: the event id does not repeat among accepted deliveries.
    expect(new Set(received.map((r) => r.id)).size).toBe(received.length);
    const mail = await waitFor(
      'the e-mail',
      async () => mails.find((m) => m.toLowerCase().includes(`x-kc-event-id: ${hit.id}`)),
      30_000,
    ).catch((e) => {
      throw new Error(`${e.message}; mails: ${mails.length} ${mails[0]?.slice(0, 600)}`);
    });
    expect(mail).toContain('chanh.thanhtra@stttt.example.vn');
  }, 120_000);
});
