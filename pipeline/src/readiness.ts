import type { Bus, CaseStore, PostIndex, UserStore } from './ports.js';
import { TOPICS } from './ports.js';

export interface Readiness {
  readonly ok: boolean;
  /** Each store: "ok", or why it is not reachable. */
  readonly checks: Readonly<Record<string, string>>;
}

/**
 * Whether the stores a process uses answer now (for /readyz): one cheap read each, at most
 * `timeoutMs`, all at once.
 */
export async function checkReadiness(
  stores: { bus?: Bus; index?: PostIndex; cases?: CaseStore; users?: UserStore },
  timeoutMs = 3_000,
): Promise<Readiness> {
  const probes: [string, (() => Promise<unknown>) | null][] = [
    ['bus', stores.bus ? () => stores.bus!.lag('pipeline', TOPICS.postsRaw) : null],
    ['index', stores.index ? () => stores.index!.count() : null],
    ['cases', stores.cases ? () => stores.cases!.list({ limit: 1, offset: 0 }) : null],
    ['users', stores.users ? () => stores.users!.count() : null],
  ];
  const checks: Record<string, string> = {};
  await Promise.all(
    probes.map(async ([name, probe]) => {
      if (!probe) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          probe(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        checks[name] = 'ok';
      } catch (err) {
        checks[name] = err instanceof Error ? err.message : String(err);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: Object.values(checks).every((v) => v === 'ok'), checks };
}
