import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A serialized answer, and its gzip form once a client that accepts gzip asked for it. */
export class CachedBody {
  #gzipped: Buffer | null = null;

  constructor(readonly body: string) {}

  get gzipped(): Buffer {
    // Level 4: most of the size saved for a fraction of the time of the default level.
    this.#gzipped ??= gzipSync(this.body, { level: 4 });
    return this.#gzipped;
  }
}

/**
 * Serialized answers kept until their store changes: each entry remembers the store's change
 * token (CaseStore.changeToken) it was computed under and is used only while the token is the
 * same, so an answer is never older than the last write. Least recently used entries go first.
 */
export class ResponseCache {
  readonly #entries = new Map<string, { token: string; body: CachedBody }>();
  readonly #limit: number;

  constructor(limit = 256) {
    if (!(limit > 0)) throw new RangeError(`ResponseCache limit must be positive, got ${limit}`);
    this.#limit = limit;
  }

  /** The answer kept for `key` under `token`, or undefined. */
  get(key: string, token: string): CachedBody | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.token !== token) {
      this.#entries.delete(key);
      return undefined;
    }
    // Most recently used last.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.body;
  }

  /** Keeps `body` for `key` under `token`, and returns it. */
  set(key: string, token: string, body: string): CachedBody {
    const cached = new CachedBody(body);
    this.#entries.delete(key);
    this.#entries.set(key, { token, body: cached });
    if (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value!);
    return cached;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Whether the client takes gzip (Accept-Encoding names it, and not with q=0). */
export function acceptsGzip(req: FastifyRequest): boolean {
  const header = req.headers['accept-encoding'];
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/**
 * Sends an answer serialized beforehand (already checked against the route's response schema),
 * gzipped for clients that take it (the console's browser does): the triage list is tens of
 * kilobytes, and writing it costs more than finding it.
 */
export function sendCached(req: FastifyRequest, reply: unknown, cached: CachedBody): FastifyReply {
  const r = (reply as FastifyReply).type('application/json; charset=utf-8').header('vary', 'accept-encoding');
  if (acceptsGzip(req)) return r.header('content-encoding', 'gzip').send(cached.gzipped);
  return r.send(cached.body);
}
