import { createHash } from 'node:crypto';
import type { CaseEvent } from '../domain/index.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Hash of one audit entry chained to the previous one; any edit or deletion breaks the chain. */
export function auditHash(prevHash: string, e: Omit<CaseEvent, 'prevHash' | 'hash'>): string {
  const body = JSON.stringify([e.seq, e.caseId, e.at, e.actor, e.action, e.fromStatus, e.toStatus, e.data]);
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}
