/** `npm start`: the whole system in one process on the embedded default. */
import { ConfigError, loadConfig } from './config.js';
import { DEMO_USERS, KcRuntime } from './runtime.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const rt = await KcRuntime.start(config);
  const lines = [
    '',
    `Kiểm Chứng đang chạy: ${rt.url}`,
    `  Dữ liệu: ${config.dataDir}`,
    `  Tài liệu API (OpenAPI): ${rt.url}/docs`,
  ];
  if (rt.demo) {
    lines.push(
      '  Chế độ trình diễn: chưa cấu hình nguồn (sources.yaml), đang thu thập trang web mẫu.',
      `  Đăng nhập bằng một trong các tài khoản sau, mật khẩu “${config.KC_DEMO_PASSWORD}”:`,
      ...DEMO_USERS.map((u) => `    ${u.username.padEnd(10)} ${u.displayName} (${u.role})`),
    );
  }
  lines.push('  Dừng: Ctrl+C', '');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rt.log.info({ signal }, 'shutting down');
    await rt.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else
    process.stderr.write(`Không khởi động được: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
