/**
 * The kc command line: `npm run -s kc -- <command>` (or `npx kc <command>`).
 * Exit codes: 0 done, 1 the check failed (tampering found), 2 usage or input error, 3 runtime error.
 */
import { parseArgs } from 'node:util';
import { ConflictError, ROLES, RoleSchema } from '@kc/pipeline';
import { ConfigError, loadConfig } from './config.js';
import { closeStores, openEmbeddedStores } from './stores.js';

const HELP = `kc — công cụ quản trị Kiểm Chứng

Cách dùng: npm run -s kc -- <lệnh> [tùy chọn]

Lệnh:
  users add --username U --role R --password-stdin [--display-name "Tên"]
                         Tạo tài khoản; mật khẩu đọc từ stdin (không lộ trong lịch sử lệnh).
                         Vai trò: ${ROLES.join(', ')}
  users list             Liệt kê tài khoản.
  audit verify           Kiểm tra chuỗi băm của nhật ký kiểm toán; mã thoát 1 nếu bị sửa/xóa.
  evidence verify        Băm lại mọi tệp chứng cứ; mã thoát 1 nếu có tệp bị thay đổi.
  help                   Hướng dẫn này.

Dữ liệu: thư mục KC_DATA_DIR (mặc định ./data).
Mã thoát: 0 thành công · 1 kiểm tra phát hiện sai lệch · 2 sai cú pháp hoặc dữ liệu vào · 3 lỗi khi chạy.
`;

class UsageError extends Error {}

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
  if (rest.includes('--help') || command === '--help') {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadConfig();
  const stores = openEmbeddedStores(config.dataDir);
  try {
    switch (`${group} ${command ?? ''}`.trim()) {
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
          if (err instanceof TypeError) throw new UsageError(err.message);
          throw err;
        }
        return 0;
      }
      case 'users list': {
        for (const u of await stores.users.list()) {
          process.stdout.write(`${u.username}\t${u.role}\t${u.displayName ?? ''}\n`);
        }
        return 0;
      }
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
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`kc: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`kc: lỗi: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 3;
    }
  },
);
