/** Helpers shared by the stores' statistics: days in Vietnam time and summaries of durations. */

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/** Longest range a per-day series covers, so a typo'd year cannot allocate millions of days. */
export const MAX_STAT_DAYS = 400;

/** The calendar day (YYYY-MM-DD) in Vietnam (UTC+7) of an instant. */
export function vietnamDay(iso: string | number): string {
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  return new Date(t + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** Every Vietnam day that [from, to) touches, oldest first (at most MAX_STAT_DAYS). */
export function vietnamDays(from: string, to: string): string[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const out: string[] = [];
  if (!(end > start)) return out;
  const first = Date.parse(`${vietnamDay(start)}T00:00:00+07:00`);
  for (let t = first; t < end && out.length < MAX_STAT_DAYS; t += DAY_MS) out.push(vietnamDay(t));
  return out;
}

/** A per-day series with a zero for every day of [from, to) that has no count. */
export function fillDays(from: string, to: string, counts: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const day of vietnamDays(from, to)) out[day] = counts[day] ?? 0;
  return out;
}

export interface DurationSummary {
  /** How many durations were summarized. */
  readonly count: number;
  /** Median, in hours (one decimal); null without durations. */
  readonly medianHours: number | null;
  /** 90th percentile (nearest rank), in hours; null without durations. */
  readonly p90Hours: number | null;
}

/** Median and 90th percentile of durations given in milliseconds. */
export function summarizeDurations(ms: readonly number[]): DurationSummary {
  const sorted = ms.filter((x) => Number.isFinite(x) && x >= 0).sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0, medianHours: null, p90Hours: null };
  const hours = (x: number) => Math.round((x / 3_600_000) * 10) / 10;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const p90 = sorted[Math.max(0, Math.ceil(sorted.length * 0.9) - 1)]!;
  return { count: sorted.length, medianHours: hours(median), p90Hours: hours(p90) };
}
