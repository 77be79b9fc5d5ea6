/**
 * `kc backup` and `kc restore`: a data directory copied while the system runs (SQLite's online
 * backup API, so a copy is never half-written) with every evidence file and a manifest of
 * SHA-256 sums; a restore checks every sum before it writes anything.
 * In scale-out mode this covers the data directory only; Elasticsearch is backed up with
 * snapshots (docs/DEPLOYMENT.md).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';

/** The SQLite files of a data directory, backed up through SQLite's online backup. */
export const DATABASE_FILES = ['cases.sqlite', 'posts.sqlite', 'bus.sqlite', 'crawl.sqlite'] as const;
/** Other files and directories copied as they are. */
const PLAIN = ['evidence', 'sources.yaml', 'demo-web.json'] as const;

export const MANIFEST = 'manifest.json';
const ManifestSchema = z.object({
  format: z.literal('kiem-chung-backup/1'),
  createdAt: z.string(),
  files: z.array(z.object({ path: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string() })),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export interface BackupProgress {
  readonly files: number;
  readonly bytes: number;
  readonly current: string;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** Backs up `dataDir` into a new directory under `outDir`; returns that directory and its manifest. */
export async function backup(
  dataDir: string,
  outDir: string,
  onProgress: (p: BackupProgress) => void = () => {},
): Promise<{ dir: string; manifest: Manifest }> {
  if (!existsSync(dataDir)) throw new Error(`không có thư mục dữ liệu ${dataDir}`);
  const createdAt = new Date().toISOString();
  const dir = join(outDir, `kc-backup-${createdAt.replace(/[:.]/g, '-')}`);
  const partial = `${dir}.partial`;
  await mkdir(partial, { recursive: true });
  const files: Manifest['files'] = [];
  let bytes = 0;
  const record = async (path: string) => {
    const info = await stat(join(partial, path));
    files.push({ path, bytes: info.size, sha256: await sha256Of(join(partial, path)) });
    bytes += info.size;
    onProgress({ files: files.length, bytes, current: path });
  };
  for (const name of DATABASE_FILES) {
    const source = join(dataDir, name);
    if (!existsSync(source)) continue;
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      // Online backup: consistent even while another process writes the file.
      await db.backup(join(partial, name));
    } finally {
      db.close();
    }
    await record(name);
  }
  for (const name of PLAIN) {
    const source = join(dataDir, name);
    if (!existsSync(source)) continue;
    const paths = (await stat(source)).isDirectory()
      ? walk(source)
      : (async function* () {
          yield source;
        })();
    for await (const file of paths) {
      const path = relative(dataDir, file).split(sep).join('/');
      await mkdir(dirname(join(partial, path)), { recursive: true });
      await copyFile(file, join(partial, path));
      await record(path);
    }
  }
  const manifest: Manifest = { format: 'kiem-chung-backup/1', createdAt, files };
  await writeFile(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  // Only a complete backup gets its final name.
  await rename(partial, dir);
  return { dir, manifest };
}

export class BackupCorruptError extends Error {}

/** Checks every file of a backup against its manifest; lists what is missing or altered. */
export async function verifyBackup(dir: string): Promise<{ manifest: Manifest; problems: string[] }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8'));
  } catch (err) {
    throw new BackupCorruptError(`không đọc được ${MANIFEST} trong ${dir}: ${(err as Error).message}`);
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throw new BackupCorruptError(`${MANIFEST} không đúng định dạng bản sao lưu`);
  const problems: string[] = [];
  for (const f of parsed.data.files) {
    const path = resolve(dir, f.path);
    // A manifest naming files outside the backup is not one this program wrote.
    if (!path.startsWith(resolve(dir) + sep)) {
      problems.push(`${f.path}: đường dẫn nằm ngoài bản sao lưu`);
      continue;
    }
    if (!existsSync(path)) problems.push(`${f.path}: thiếu tệp`);
    else if ((await sha256Of(path)) !== f.sha256) problems.push(`${f.path}: nội dung bị thay đổi (SHA-256 không khớp)`);
  }
  return { manifest: parsed.data, problems };
}

/**
 * Restores a verified backup into `dataDir`, which must be empty of data (or `force`). The
 * system must be stopped: the restore replaces its files.
 */
export async function restore(
  dir: string,
  dataDir: string,
  options: { force?: boolean } = {},
): Promise<{ files: number; problems: string[] }> {
  const { manifest, problems } = await verifyBackup(dir);
  if (problems.length > 0) return { files: 0, problems };
  const present = [...DATABASE_FILES, ...PLAIN].filter((n) => existsSync(join(dataDir, n)));
  if (present.length > 0 && !options.force) {
    throw new Error(
      `thư mục dữ liệu ${dataDir} đã có dữ liệu (${present.join(', ')}); dừng hệ thống và thêm --force để ghi đè`,
    );
  }
  await mkdir(dataDir, { recursive: true });
  for (const name of present) await rm(join(dataDir, name), { recursive: true, force: true });
  for (const name of DATABASE_FILES) {
    // Write-ahead logs of the replaced files would be applied to the restored ones: remove them.
    for (const suffix of ['-wal', '-shm']) await rm(join(dataDir, `${name}${suffix}`), { force: true });
  }
  for (const f of manifest.files) {
    await mkdir(dirname(join(dataDir, f.path)), { recursive: true });
    await copyFile(join(dir, f.path), join(dataDir, f.path));
  }
  return { files: manifest.files.length, problems: [] };
}
