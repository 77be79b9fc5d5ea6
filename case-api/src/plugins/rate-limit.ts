import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * At most `limit` requests per key (the client address) in any `windowMs`, counted in this
 * process. Answers 429 with Retry-After and a message for people when the key is over.
 */
export class SlidingWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #seen = new Map<string, number[]>();

  constructor(limit: number, windowMs: number) {
    if (!(limit >= 1) || !(windowMs > 0)) throw new RangeError('a rate limit needs limit ≥ 1 and a positive window');
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Counts one request of `key`; the seconds to wait when it is over the limit, else null. */
  take(key: string, now = Date.now()): number | null {
    const wait = this.wait(key, now);
    if (wait === null) this.count(key, now);
    return wait;
  }

  /** The seconds `key` must wait when it is over the limit, else null; counts nothing. */
  wait(key: string, now = Date.now()): number | null {
    const recent = (this.#seen.get(key) ?? []).filter((t) => now - t < this.#windowMs);
    if (recent.length === 0) this.#seen.delete(key);
    else this.#seen.set(key, recent);
    if (recent.length < this.#limit) return null;
    return Math.max(1, Math.ceil((this.#windowMs - (now - recent[0]!)) / 1000));
  }

  /** Counts one event of `key` (for limits on some outcomes only, such as failed logins). */
  count(key: string, now = Date.now()): void {
    // Bounded memory under a flood of addresses: forget everyone rather than grow without end.
    if (this.#seen.size >= 10_000 && !this.#seen.has(key)) this.#seen.clear();
    const recent = this.#seen.get(key) ?? [];
    recent.push(now);
    this.#seen.set(key, recent);
  }

  /** Takes one request of the client; when over the limit sends 429 and returns true. */
  refuse(req: FastifyRequest, reply: FastifyReply, message: (seconds: number) => string): boolean {
    return this.#refuseOver(req, reply, message, this.take(req.ip));
  }

  /** When the client is over the limit sends 429 and returns true; counts nothing. */
  refuseIfOver(req: FastifyRequest, reply: FastifyReply, message: (seconds: number) => string): boolean {
    return this.#refuseOver(req, reply, message, this.wait(req.ip));
  }

  #refuseOver(
    req: FastifyRequest,
    reply: FastifyReply,
    message: (seconds: number) => string,
    wait: number | null,
  ): boolean {
    if (wait === null) return false;
    void reply
      .code(429)
      .header('retry-after', String(wait))
      .send({ code: 'CASE_ERR_RATE_LIMITED', message: message(wait), requestId: String(req.id) });
    return true;
  }
}
