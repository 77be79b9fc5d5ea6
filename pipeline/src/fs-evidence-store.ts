import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from './errors.js';
import type { EvidenceMeta, EvidenceStore } from './ports.js';

/**
 * Evidence blobs as files named by their SHA-256 (`ab/abcdef…`), each with a JSON sidecar of
 * where and when it was captured. Writes go to a temporary name first, so a crash never
 * leaves a half-written blob under its final name.
 */
export class FsEvidenceStore implements EvidenceStore {
  readonly #dir: string;

  static create(options: { dir: string }): FsEvidenceStore {
    if (!options.dir) throw new TypeError('FsEvidenceStore needs a dir');
    return new FsEvidenceStore(options.dir);
  }

  private constructor(dir: string) {
    this.#dir = dir;
  }

  async put(bytes: Uint8Array, meta: EvidenceMeta): Promise<{ sha256: string; bytes: number }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const dir = join(this.#dir, sha256.slice(0, 2));
    const file = join(dir, sha256);
    try {
      await mkdir(dir, { recursive: true });
      const exists = await stat(file).then(
        () => true,
        () => false,
      );
      if (!exists) await writeAtomically(file, bytes);
      const metaFile = `${file}.json`;
      const hasMeta = await stat(metaFile).then(
        () => true,
        () => false,
      );
      if (!hasMeta)
        await writeAtomically(metaFile, JSON.stringify({ sha256, bytes: bytes.byteLength, ...meta }, null, 2));
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOSPC' ? ': the disk is full' : '';
      throw new StorageError(`could not store evidence ${sha256} in ${this.#dir}${why}`, err);
    }
    return { sha256, bytes: bytes.byteLength };
  }

  async get(sha256: string): Promise<{ bytes: Uint8Array; meta: EvidenceMeta } | null> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
    const file = join(this.#dir, sha256.slice(0, 2), sha256);
    try {
      const [bytes, meta] = await Promise.all([readFile(file), readFile(`${file}.json`, 'utf8')]);
      return { bytes, meta: JSON.parse(meta) as EvidenceMeta };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StorageError(`could not read evidence ${sha256}`, err);
    }
  }

  async verify(): Promise<{ checked: number; tampered: string[] }> {
    const tampered: string[] = [];
    let checked = 0;
    const prefixes = await readdir(this.#dir).catch(() => [] as string[]);
    for (const prefix of prefixes) {
      const names = await readdir(join(this.#dir, prefix)).catch(() => [] as string[]);
      for (const name of names) {
        if (!/^[0-9a-f]{64}$/.test(name)) continue;
        checked++;
        const actual = createHash('sha256')
          .update(await readFile(join(this.#dir, prefix, name)))
          .digest('hex');
        if (actual !== name) tampered.push(name);
      }
    }
    return { checked, tampered };
  }
}

/**
 * Writes under a temporary name, then renames: a crash never leaves a half-written file under
 * its final name, and a failed write (a full disk) removes what it had written.
 */
async function writeAtomically(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}
