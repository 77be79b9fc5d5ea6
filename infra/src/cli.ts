/**
 * The kc command line: `npm run -s kc -- <command>` (or `npx kc <command>`).
 * Exit codes: 0 done, 1 the check failed (tampering found), 2 usage or input error, 3 runtime error.
 */

import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Classifier } from '@kc/classifier';
import type { CrawlProgress } from '@kc/crawlers';
import { ConflictError, checkReadiness, NotFoundError, ROLES, RoleSchema, StreamProcessor, TOPICS } from '@kc/pipeline';
import pino from 'pino';
import { BackupCorruptError, backup, restore } from './backup.js';
import { ConfigError, configurationReference, type KcConfig, loadConfig } from './config.js';
import { migrateAll } from './migrate.js';
import { closeStores, openStores, type Stores, startDemoWebOnSamePort, storeOptions } from './stores.js';

const HELP = `kc — công cụ quản trị Kiểm Chứng

Cách dùng: npm run -s kc -- <lệnh> [tùy chọn]

Lệnh:
  start                  Chạy toàn bộ hệ thống (như npm start).
  classify TỆP.jsonl     Phân loại từng dòng {"id","text"} ("-" để đọc stdin); một dòng JSON ra mỗi dòng vào.
  report weekly --from YYYY-MM-DD --to YYYY-MM-DD [--district "Tên"] [--format docx|csv|json] [--out TỆP]
                         Báo cáo tuần (mẫu của văn bản 001) cho khoảng ngày và địa bàn; mặc định DOCX.
  engines start|stop|status
                         Kafka và Elasticsearch cục bộ cho máy phát triển (như npm run engines:start).
  users add --username U --role R --password-stdin [--display-name "Tên"]
                         Tạo tài khoản; mật khẩu đọc từ stdin (không lộ trong lịch sử lệnh).
                         Vai trò: ${ROLES.join(', ')}
  users list             Liệt kê tài khoản và trạng thái (hoạt động, bị khóa tạm, đã vô hiệu hóa).
  users password --username U --password-stdin
                         Đặt mật khẩu mới (đọc từ stdin); mọi phiên đăng nhập của tài khoản kết thúc.
  users unlock --username U
                         Mở khóa tài khoản bị khóa tạm vì đăng nhập sai nhiều lần.
  users disable --username U | users enable --username U
                         Vô hiệu hóa tài khoản (người đã nghỉ việc: không đăng nhập được, phiên đang mở
                         kết thúc ngay, không được giao việc) hoặc cho hoạt động lại.
  crawl [--source ID]    Thu thập một lượt các nguồn (hoặc một nguồn) và đưa bài vào hàng đợi xử lý;
                         hiện tiến độ từng nguồn. Không có sources.yaml: thu thập trang web mẫu.
  worker                 Chỉ chạy bộ xử lý luồng (posts.raw → phân loại → chỉ mục → hồ sơ), không có
                         API hay trình thu thập; chạy nhiều tiến trình với KC_BUS=kafka để chia tải
                         (cùng một consumer group). Dừng bằng SIGTERM/Ctrl+C: xong lô đang xử lý rồi thoát.
  audit verify           Kiểm tra chuỗi băm của nhật ký kiểm toán; mã thoát 1 nếu bị sửa/xóa.
  evidence verify        Băm lại mọi tệp chứng cứ; mã thoát 1 nếu có tệp bị thay đổi.
  migrate [--dry-run]    Nâng cấp lược đồ dữ liệu (các tệp SQLite; chỉ mục Elasticsearch khi dùng) lên
                         phiên bản này; --dry-run chỉ liệt kê việc sẽ làm. Chạy sau mỗi lần nâng cấp.
  backup [--out THƯ_MỤC] Sao lưu thư mục dữ liệu khi hệ thống đang chạy (SQLite sao lưu trực tuyến, mọi
                         tệp chứng cứ, bản kê SHA-256) vào THƯ_MỤC/kc-backup-<thời điểm> (mặc định ./backups).
  restore --from THƯ_MỤC [--force]
                         Kiểm tra bản kê rồi khôi phục vào KC_DATA_DIR; mã thoát 1 nếu bản sao lưu bị
                         hỏng. Dừng hệ thống trước; --force ghi đè dữ liệu đang có.
  config-doc             In bảng tham chiếu cấu hình (docs/CONFIGURATION.md).
  help                   Hướng dẫn này.

Dữ liệu: thư mục KC_DATA_DIR (mặc định ./data).
Mã thoát: 0 thành công · 1 kiểm tra phát hiện sai lệch · 2 sai cú pháp hoặc dữ liệu vào · 3 lỗi khi chạy.
`;

class UsageError extends Error {}

/** The user store's input errors (TypeError, in English) as the administrator reads them. */
function accountInputMessage(err: TypeError): string {
  if (/^password/.test(err.message)) return 'mật khẩu phải có ít nhất 8 ký tự';
  if (/^username/.test(err.message))
    return 'tên đăng nhập phải có 3–40 ký tự: chữ cái, chữ số, dấu chấm, gạch ngang, gạch dưới';
  if (/role/i.test(err.message)) return `vai trò phải là một trong: ${ROLES.join(', ')}`;
  return err.message;
}

/** `users password|unlock|disable|enable --username U`: an account's lifecycle. */
async function accountCommand(
  stores: Stores,
  action: 'password' | 'unlock' | 'disable' | 'enable',
  args: string[],
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { username: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    strict: true,
  });
  const username = values.username;
  if (!username) throw new UsageError('thiếu --username');
  try {
    switch (action) {
      case 'password': {
        if (!values['password-stdin']) throw new UsageError('mật khẩu phải đưa qua stdin: thêm --password-stdin');
        const password = await readStdin();
        const user = await stores.users.setPassword(username, password);
        process.stdout.write(`Đã đặt mật khẩu mới cho ${user.username}; các phiên đăng nhập cũ đã kết thúc.\n`);
        return 0;
      }
      case 'unlock': {
        if (!(await stores.users.accounts()).some((a) => a.username.toLowerCase() === username.toLowerCase())) {
          throw new NotFoundError(username);
        }
        const cleared = await stores.users.unlock(username);
        process.stdout.write(
          cleared
            ? `Đã mở khóa tài khoản ${username}.\n`
            : `Tài khoản ${username} không bị khóa; không có gì thay đổi.\n`,
        );
        return 0;
      }
      case 'disable': {
        const user = await stores.users.setDisabled(username, true);
        process.stdout.write(`Đã vô hiệu hóa tài khoản ${user.username}; các phiên đăng nhập đã kết thúc.\n`);
        return 0;
      }
      case 'enable': {
        const user = await stores.users.setDisabled(username, false);
        process.stdout.write(`Tài khoản ${user.username} hoạt động trở lại.\n`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof NotFoundError) throw new UsageError(`không có tài khoản ${username}`);
    if (err instanceof TypeError) throw new UsageError(accountInputMessage(err));
    throw err;
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Mật khẩu: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function run(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  if (!group || group === 'help' || group === '--help' || group === '-h') {
    process.stdout.write(HELP);
    return group ? 0 : 2;
  }
  if (group === 'config-doc') {
    process.stdout.write(configurationReference());
    return 0;
  }
  if (rest.includes('--help') || command === '--help') {
    process.stdout.write(HELP);
    return 0;
  }
  // Commands that are programs of their own: they read their arguments from process.argv.
  const programs: Record<string, string> = {
    start: './main.js',
    classify: '@kc/classifier/cli',
    engines: '../engines/cli.js',
  };
  const program = programs[group];
  if (program) {
    process.argv = [process.argv[0]!, program, ...(group === 'start' ? [] : [command ?? '', ...rest].filter(Boolean))];
    await import(program);
    // The program sets the exit code and ends the process itself.
    return new Promise<number>(() => {});
  }
  const config = loadConfig();
  // Before the stores are opened: opening an Elasticsearch index of an older version fails.
  if (group === 'migrate') return migrateCommand(config, command ? [command, ...rest] : rest);
  // Neither opens the stores: a backup must not change the files it copies, and a restore
  // replaces them.
  if (group === 'backup') return backupCommand(config, command ? [command, ...rest] : rest);
  if (group === 'restore') return restoreCommand(config, command ? [command, ...rest] : rest);
  const stores = await openStores(config.dataDir, storeOptions(config));
  try {
    const key = group === 'crawl' || group === 'worker' ? group : `${group} ${command ?? ''}`.trim();
    switch (key) {
      case 'users add': {
        const { values } = parseArgs({
          args: rest,
          options: {
            username: { type: 'string' },
            role: { type: 'string' },
            'password-stdin': { type: 'boolean' },
            'display-name': { type: 'string' },
          },
          strict: true,
        });
        if (!values.username) throw new UsageError('thiếu --username');
        const role = RoleSchema.safeParse(values.role);
        if (!role.success) throw new UsageError(`--role phải là một trong: ${ROLES.join(', ')}`);
        if (!values['password-stdin']) throw new UsageError('mật khẩu phải đưa qua stdin: thêm --password-stdin');
        const password = await readStdin();
        try {
          const user = await stores.users.add({
            username: values.username,
            role: role.data,
            password,
            displayName: values['display-name'] ?? null,
          });
          process.stdout.write(`Đã tạo tài khoản ${user.username} (${user.role}).\n`);
        } catch (err) {
          if (err instanceof ConflictError) throw new UsageError(`tài khoản ${values.username} đã tồn tại`);
          if (err instanceof TypeError) throw new UsageError(accountInputMessage(err));
          throw err;
        }
        return 0;
      }
      case 'crawl': {
        const { values } = parseArgs({
          args: command ? [command, ...rest] : rest,
          options: { source: { type: 'string' } },
          strict: true,
        });
        return await crawlCommand(config, stores, values.source);
      }
      case 'worker':
        return await workerCommand(config, stores);
      case 'report weekly':
        return await reportCommand(config, stores, rest);
      case 'users list': {
        for (const a of await stores.users.accounts()) {
          const state = a.disabledAt
            ? `đã vô hiệu hóa từ ${a.disabledAt}`
            : a.lockedUntil
              ? `bị khóa đến ${a.lockedUntil}`
              : 'hoạt động';
          process.stdout.write(`${a.username}\t${a.role}\t${a.displayName ?? ''}\t${state}\n`);
        }
        return 0;
      }
      case 'users password':
      case 'users unlock':
      case 'users disable':
      case 'users enable':
        return await accountCommand(stores, command as 'password' | 'unlock' | 'disable' | 'enable', rest);
      case 'audit verify': {
        const r = await stores.cases.verifyAudit();
        if (r.ok) {
          process.stdout.write(`Nhật ký kiểm toán nguyên vẹn: ${r.entries} mục.\n`);
          return 0;
        }
        process.stdout.write(`PHÁT HIỆN SAI LỆCH ở mục ${r.brokenAt}: ${r.reason}\n`);
        return 1;
      }
      case 'evidence verify': {
        const r = await stores.evidence.verify();
        if (r.tampered.length === 0) {
          process.stdout.write(`Chứng cứ nguyên vẹn: ${r.checked} tệp.\n`);
          return 0;
        }
        process.stdout.write(
          `PHÁT HIỆN ${r.tampered.length}/${r.checked} tệp chứng cứ bị thay đổi:\n${r.tampered.join('\n')}\n`,
        );
        return 1;
      }
      default:
        throw new UsageError(`không có lệnh “${argv.join(' ')}”; xem: npm run -s kc -- help`);
    }
  } finally {
    await closeStores(stores);
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // node:util parseArgs refuses unknown options with ERR_PARSE_ARGS_*: a usage error too.
    const parseError = err instanceof Error && String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (err instanceof UsageError || err instanceof ConfigError || parseError) {
      process.stderr.write(`kc: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`kc: lỗi: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 3;
    }
  },
);

async function crawlCommand(config: KcConfig, stores: Stores, only: string | undefined): Promise<number> {
  const file = config.KC_SOURCES_FILE ?? join(config.dataDir, 'sources.yaml');
  const demo = !config.KC_SOURCES_FILE && !existsSync(file);
  // The crawlers (crawlee, Chromium driver) and the API load only for the commands that use them:
  // a `kc worker` stays small.
  const { crawlSource, demoSources, loadSources, SqliteCrawlState } = await import('@kc/crawlers');
  const web = demo ? await startDemoWebOnSamePort(config.dataDir) : null;
  try {
    const all = web ? demoSources(web) : loadSources(file);
    const sources = only ? all.filter((s) => s.id === only) : all;
    if (sources.length === 0) throw new UsageError(`không có nguồn “${only}” trong ${demo ? 'trang web mẫu' : file}`);
    const state = SqliteCrawlState.create({ file: join(config.dataDir, 'crawl.sqlite') });
    const quiet = { info() {}, warn() {}, error() {} };
    const tty = process.stderr.isTTY;
    let failed = 0;
    for (const source of sources) {
      const line = (p: CrawlProgress, done = false) => {
        const rate = p.elapsedMs > 0 ? (p.pages / (p.elapsedMs / 1000)).toFixed(1) : '0';
        const text = `${source.id}: ${p.pages} trang · ${p.posts} bài · ${p.skipped} bỏ qua · ${p.errors} lỗi · ${rate} trang/giây`;
        if (tty) process.stderr.write(`\r\x1b[K${text}${done ? '\n' : ''}`);
        else if (done) process.stderr.write(`${text}\n`);
      };
      try {
        const r = await crawlSource(source, {
          evidence: stores.evidence,
          log: quiet,
          chromiumPath: config.KC_CHROMIUM_PATH,
          state,
          onProgress: (p) => line(p),
          publish: (posts) =>
            stores.bus.publish(
              TOPICS.postsRaw,
              posts.map((p) => ({ key: p.id, value: JSON.stringify(p) })),
            ),
        });
        line(
          {
            sourceId: source.id,
            pages: r.pages,
            posts: r.posts,
            skipped: r.skipped,
            errors: r.errors,
            elapsedMs: r.durationMs,
          },
          true,
        );
      } catch (err) {
        failed++;
        process.stderr.write(`${tty ? '\r\x1b[K' : ''}${source.id}: không thu thập được: ${(err as Error).message}\n`);
      }
    }
    state.close();
    process.stdout.write(`Đã đưa bài vào hàng đợi posts.raw; tiến trình npm start sẽ xử lý chúng.\n`);
    return failed > 0 ? 3 : 0;
  } finally {
    await web?.close();
  }
}

/**
 * `kc worker`: the pipeline role alone. Several workers on Kafka share the consumer group
 * "pipeline"; each prints a progress line, and SIGTERM finishes and commits the batch in flight.
 */
async function workerCommand(config: KcConfig, stores: Stores): Promise<number> {
  if (config.KC_BUS !== 'kafka') {
    process.stderr.write('kc worker: KC_BUS=sqlite chỉ có một tiến trình đọc hàng đợi; chạy một worker.\n');
  }
  const log = pino({ level: config.KC_LOG_LEVEL }, pino.destination(2));
  const processor = new StreamProcessor({
    bus: stores.bus,
    index: stores.index,
    cases: stores.cases,
    classifier: new Classifier(),
    log: log.child({ component: 'pipeline', pid: process.pid }),
  });
  await processor.start();
  const health = config.KC_HEALTH_PORT === undefined ? null : await healthServer(config, stores);
  const started = Date.now();
  const line = () => {
    const s = processor.stats;
    const rate = (s.processed / Math.max(1, (Date.now() - started) / 1000)).toFixed(0);
    return `worker ${process.pid}: ${s.processed} bài · ${s.flagged} gắn cờ · ${s.casesOpened} hồ sơ mới · ${s.deadLettered} thư chết · ${rate} bài/giây`;
  };
  process.stdout.write(`worker ${process.pid}: đang xử lý posts.raw (nhóm pipeline)\n`);
  if (health) {
    const { port } = health.address() as AddressInfo;
    process.stdout.write(`worker ${process.pid}: kiểm tra hoạt động tại http://${config.KC_HOST}:${port}/readyz\n`);
  }
  const timer = setInterval(() => process.stdout.write(`${line()}\n`), 2_000);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  clearInterval(timer);
  await processor.stop();
  await new Promise((r) => health?.close(r) ?? r(undefined));
  process.stdout.write(`${line()} · đã dừng\n`);
  return 0;
}

async function migrateCommand(config: KcConfig, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } }, strict: true });
  const dryRun = values['dry-run'] ?? false;
  const lines = await migrateAll(config, { dryRun });
  if (lines.length === 0) {
    process.stdout.write('Dữ liệu đã ở phiên bản lược đồ mới nhất; không có gì để nâng cấp.\n');
    return 0;
  }
  for (const l of lines) {
    const from = l.from === null ? 'chưa có' : `v${l.from}`;
    const copied = l.documents ? ` (${l.documents} tài liệu được chép)` : '';
    process.stdout.write(`${l.store}: ${from} → v${l.to}${l.done ? ` — đã nâng cấp${copied}` : ' — sẽ nâng cấp'}\n`);
  }
  if (dryRun) process.stdout.write('Chạy thử (--dry-run): chưa thay đổi gì.\n');
  return 0;
}

async function backupCommand(config: KcConfig, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  const tty = process.stderr.isTTY;
  const { dir, manifest } = await backup(config.dataDir, resolve(values.out ?? 'backups'), (p) => {
    if (tty) process.stderr.write(`\r\x1b[K${p.files} tệp · ${(p.bytes / 1e6).toFixed(1)} MB · ${p.current}`);
  });
  const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
  if (tty) process.stderr.write('\r\x1b[K');
  process.stdout.write(`Đã sao lưu ${manifest.files.length} tệp (${(total / 1e6).toFixed(1)} MB) vào ${dir}\n`);
  return 0;
}

async function restoreCommand(config: KcConfig, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { from: { type: 'string' }, force: { type: 'boolean' } },
    strict: true,
  });
  if (!values.from) throw new UsageError('thiếu --from THƯ_MỤC (một thư mục kc-backup-…)');
  let result: Awaited<ReturnType<typeof restore>>;
  try {
    result = await restore(resolve(values.from), config.dataDir, { force: values.force ?? false });
  } catch (err) {
    if (err instanceof BackupCorruptError) {
      process.stdout.write(`BẢN SAO LƯU HỎNG: ${err.message}\n`);
      return 1;
    }
    throw new UsageError((err as Error).message);
  }
  if (result.problems.length > 0) {
    process.stdout.write(`BẢN SAO LƯU HỎNG, không khôi phục:\n${result.problems.join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`Đã khôi phục ${result.files} tệp vào ${config.dataDir}. Chạy lại: npm start\n`);
  return 0;
}

/** /healthz (alive) and /readyz (bus, index and cases answer) for a process without the API. */
async function healthServer(config: KcConfig, stores: Stores): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { ok: false });
    if (req.url === '/healthz') return send(200, { ok: true });
    if (req.url === '/readyz') {
      void checkReadiness({ bus: stores.bus, index: stores.index, cases: stores.cases }).then((r) =>
        send(r.ok ? 200 : 503, r),
      );
      return;
    }
    send(404, { ok: false });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.KC_HEALTH_PORT, config.KC_HOST, resolve);
  });
  return server;
}

async function reportCommand(config: KcConfig, stores: Stores, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      district: { type: 'string' },
      format: { type: 'string', default: 'docx' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!values.from || !day.test(values.from) || Number.isNaN(Date.parse(values.from))) {
    throw new UsageError('--from phải là một ngày YYYY-MM-DD');
  }
  if (!values.to || !day.test(values.to) || Number.isNaN(Date.parse(values.to))) {
    throw new UsageError('--to phải là một ngày YYYY-MM-DD');
  }
  if (values.from > values.to) throw new UsageError('--from phải trước --to');
  const format = values.format ?? 'docx';
  if (!['docx', 'csv', 'json'].includes(format)) throw new UsageError('--format phải là docx, csv hoặc json');
  const { weeklyReport, weeklyReportCsv, weeklyReportDocx } = await import('@kc/case-api');
  const report = await weeklyReport(stores, values.from, values.to, values.district?.trim() || undefined);
  const body =
    format === 'docx'
      ? await weeklyReportDocx(
          {
            org: config.KC_ORG_NAME,
            parentOrg: `UBND tỉnh ${config.KC_PROVINCE}`,
            symbol: config.KC_DOC_SYMBOL,
            place: config.KC_PROVINCE,
          },
          report,
        )
      : format === 'csv'
        ? weeklyReportCsv(report)
        : `${JSON.stringify(report, null, 2)}\n`;
  const out = values.out ?? `bao-cao-tuan-${values.from}-${values.to}.${format}`;
  writeFileSync(out, body);
  process.stdout.write(
    `Báo cáo tuần ${values.from} – ${values.to}${report.district ? ` (${report.district})` : ''}: ${report.monitoredPosts} bài theo dõi, ${report.flaggedPosts} bài gắn cờ → ${out}\n`,
  );
  return 0;
}
