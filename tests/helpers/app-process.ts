import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const DEMO_PASSWORD = 'kiemchung-demo';

export interface AppProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL (crash) and wait for exit. */
  kill(): Promise<void>;
}

export function tempDataDir(prefix = 'kc-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A child process of the repository's code, with its output kept and its exit awaited. */
export interface Child {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

/** Runs `node --import tsx <script> ...args` from the repository root. */
export function spawnTsx(script: string, args: readonly string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, exited, output: () => out };
}

/**
 * Settings of scale-out mode: the bus on Kafka, posts and cases on Elasticsearch (the engines of
 * the global setup), under names of their own so that test runs do not meet.
 */
export function scaleOutEnv(tag: string): Record<string, string> {
  const brokers = process.env.KAFKA_BROKERS;
  const node = process.env.ELASTICSEARCH_URL;
  if (!brokers || !node) throw new Error('KAFKA_BROKERS and ELASTICSEARCH_URL must be set by the global setup');
  // Always 8 letters or digits: the test setup recognises earlier runs' indices and topics by it.
  const run = `${tag}-${Math.random().toString(36).slice(2, 10).padEnd(8, '0')}`;
  return {
    KC_BUS: 'kafka',
    KAFKA_BROKERS: brokers,
    KC_KAFKA_PREFIX: `${run}.`,
    KC_INDEX: 'elasticsearch',
    KC_CASE_STORE: 'elasticsearch',
    ELASTICSEARCH_URL: node,
    KC_ES_PREFIX: `${run}-`,
  };
}

/** Starts `npm start`'s entry point as a real child process on a free port and waits for its URL. */
export async function startApp(options: { dataDir: string; env?: Record<string, string> }): Promise<AppProcess> {
  const { child, exited, output } = spawnTsx('infra/src/main.ts', [], {
    KC_DATA_DIR: options.dataDir,
    PORT: '0',
    KC_LOG_LEVEL: 'warn',
    KC_CRAWL_INTERVAL_MINUTES: '0',
    ...options.env,
  });
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`app did not start in 60 s:\n${output()}`)), 60_000);
    const onData = () => {
      const m = /đang chạy: (http:\/\/\S+)/.exec(output());
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`app exited with ${code} before starting:\n${output()}`));
    });
  });
  return {
    url,
    dataDir: options.dataDir,
    child,
    output,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A small HTTP client for the case API. */
export class ApiClient {
  token: string | null = null;
  constructor(readonly base: string) {}

  async login(username: string, password = DEMO_PASSWORD): Promise<this> {
    const r = await this.call('POST', '/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    this.token = (r.body as { token: string }).token;
    return this;
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely.
    return { status: res.status, body: parsed as any, headers: res.headers };
  }
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Waits until a crawl round has finished and the pipeline has no lag. */
export async function waitForCrawl(api: ApiClient, rounds = 1) {
  return waitFor(
    'crawl round and pipeline to finish',
    async () => {
      const s = await api.call('GET', '/api/system/status');
      const st = s.body as { crawl: { rounds: number; running: boolean }; pipeline: { lag: number } };
      return st.crawl.rounds >= rounds && !st.crawl.running && st.pipeline.lag === 0 ? st : undefined;
    },
    120_000,
  );
}
