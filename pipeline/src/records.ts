/**
 * Stored shapes shared by the SQLite rows and the Elasticsearch documents of posters and audit
 * entries (snake_case, as both engines keep them), and their domain objects.
 */
import type { CaseEvent, CaseStatus, Poster } from './domain/index.js';

export interface PosterRecord {
  id: string;
  platform: string;
  handle: string;
  profile_url: string | null;
  display_name: string | null;
  created_at: string;
  real_name: string | null;
  phone: string | null;
  address: string | null;
  id_number: string | null;
  merged_into: string | null;
}

export function posterOf(r: PosterRecord, caseCount: number): Poster {
  const identity = {
    realName: r.real_name ?? null,
    phone: r.phone ?? null,
    address: r.address ?? null,
    idNumber: r.id_number ?? null,
  };
  return {
    id: r.id,
    platform: r.platform,
    handle: r.handle,
    profileUrl: r.profile_url ?? null,
    displayName: r.display_name ?? null,
    createdAt: r.created_at,
    caseCount,
    mergedInto: r.merged_into ?? null,
    identity: Object.values(identity).some((v) => v !== null) ? identity : null,
  };
}

export interface AuditRecord {
  seq: number;
  case_id: string | null;
  at: string;
  actor: string;
  action: string;
  from_status: CaseStatus | null;
  to_status: CaseStatus | null;
  prev_hash: string;
  hash: string;
}

export function eventOf(r: AuditRecord, data: Record<string, unknown>): CaseEvent {
  return {
    seq: r.seq,
    caseId: r.case_id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    data,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
