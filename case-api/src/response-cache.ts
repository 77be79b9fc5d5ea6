import type { FastifyReply } from 'fastify';

/**
 * Serialized answers kept until their store changes: each entry remembers the store's change
 * token (CaseStore.changeToken) it was computed under and is used only while the token is the
 * same, so an answer is never older than the last write. Least recently used entries go first.
 */
export class ResponseCache {
  readonly #entries = new Map<string, { token: string; body: string }>();
  readonly #limit: number;

  constructor(limit = 256) {
    if (!(limit > 0)) throw new RangeError(`ResponseCache limit must be positive, got ${limit}`);
    this.#limit = limit;
  }

  /** The body kept for `key` under `token`, or undefined. */
  get(key: string, token: string): string | undefined {
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

  set(key: string, token: string, body: string): void {
    this.#entries.delete(key);
    this.#entries.set(key, { token, body });
    if (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Sends a body serialized beforehand (already checked against the route's response schema). */
export function sendSerialized(reply: unknown, body: string): FastifyReply {
  return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
}
