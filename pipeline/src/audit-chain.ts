import { createHash } from 'node:crypto';
import type { CaseEvent } from './domain/index.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Hash of one audit entry chained to the previous one; any edit or deletion breaks the chain. */
export function auditHash(prevHash: string, e: Omit<CaseEvent, 'prevHash' | 'hash'>): string {
  const body = JSON.stringify([e.seq, e.caseId, e.at, e.actor, e.action, e.fromStatus, e.toStatus, e.data]);
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

export interface ChainReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly brokenAt: number | null;
  readonly reason: string | null;
}

/** Re-hashes an audit log read in sequence order; names the first missing, moved or edited entry. */
export async function verifyChain(entries: Iterable<CaseEvent> | AsyncIterable<CaseEvent>): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for await (const e of entries) {
    count++;
    if (e.seq !== expectedSeq) {
      return { ok: false, entries: count, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing` };
    }
    if (e.prevHash !== prev) {
      return {
        ok: false,
        entries: count,
        brokenAt: e.seq,
        reason: `entry ${e.seq} does not follow entry ${e.seq - 1}`,
      };
    }
    if (auditHash(prev, e) !== e.hash) {
      return { ok: false, entries: count, brokenAt: e.seq, reason: `entry ${e.seq} was modified` };
    }
    prev = e.hash;
    expectedSeq++;
  }
  return { ok: true, entries: count, brokenAt: null, reason: null };
}
