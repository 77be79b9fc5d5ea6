import { describe, expect, it } from 'vitest';
import { fillDays, MAX_STAT_DAYS, summarizeDurations, vietnamDay, vietnamDays } from '../src/index.js';

describe('statistics helpers', () => {
  it('counts days in Vietnam time (UTC+7), including the first and last partial day', () => {
    expect(vietnamDay('2021-07-04T16:59:59Z')).toBe('2021-07-04');
    expect(vietnamDay('2021-07-04T17:00:00Z')).toBe('2021-07-05');
    expect(vietnamDays('2021-07-03T17:00:00Z', '2021-07-06T17:00:00Z')).toEqual([
      '2021-07-04',
      '2021-07-05',
      '2021-07-06',
    ]);
    expect(vietnamDays('2021-07-04T12:00:00Z', '2021-07-04T18:00:00Z')).toEqual(['2021-07-04', '2021-07-05']);
    expect(vietnamDays('2021-07-05T00:00:00Z', '2021-07-04T00:00:00Z')).toEqual([]);
    expect(vietnamDays('2000-01-01T00:00:00Z', '2099-01-01T00:00:00Z')).toHaveLength(MAX_STAT_DAYS);
    expect(fillDays('2021-07-03T17:00:00Z', '2021-07-05T17:00:00Z', { '2021-07-05': 3, '2021-08-01': 9 })).toEqual({
      '2021-07-04': 0,
      '2021-07-05': 3,
    });
  });

  it('summarizes durations as median and 90th percentile in hours, ignoring impossible values', () => {
    const h = 3_600_000;
    expect(summarizeDurations([])).toEqual({ count: 0, medianHours: null, p90Hours: null });
    expect(summarizeDurations([2 * h])).toEqual({ count: 1, medianHours: 2, p90Hours: 2 });
    expect(summarizeDurations([4 * h, 1 * h, 2 * h, 3 * h])).toEqual({ count: 4, medianHours: 2.5, p90Hours: 4 });
    const ten = Array.from({ length: 10 }, (_, i) => (i + 1) * h);
    expect(summarizeDurations(ten)).toEqual({ count: 10, medianHours: 5.5, p90Hours: 9 });
    expect(summarizeDurations([Number.NaN, -h, h])).toEqual({ count: 1, medianHours: 1, p90Hours: 1 });
  });
});
