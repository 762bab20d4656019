import { describe, expect, it } from 'vitest';
import {
  assertUsageMonth,
  isUsageMonth,
  last12Months,
  shiftUsageMonth,
  usageMonthBounds,
  usageMonthOf,
} from '../../server/reports/usage-month';

const NY = 'America/New_York';
const IST = 'Asia/Kolkata';
const at = (iso: string) => new Date(iso);

describe('usage month of an instant, in the workspace time zone', () => {
  it('puts late evening on the last day of a month in that month, though UTC has moved on', () => {
    expect(usageMonthOf(at('2026-04-01T03:30:00Z'), NY)).toBe('2026-03'); // 23:30 EDT 31 Mar
    expect(usageMonthOf(at('2026-04-01T04:00:00Z'), NY)).toBe('2026-04'); // 00:00 EDT 1 Apr
    expect(usageMonthOf(at('2026-03-01T04:59:59Z'), NY)).toBe('2026-02'); // 23:59:59 EST 28 Feb
    expect(usageMonthOf(at('2026-03-01T05:00:00Z'), NY)).toBe('2026-03');
  });

  it('is right across the spring-forward change (New York, 8 March 2026)', () => {
    expect(usageMonthOf(at('2026-03-08T06:59:59Z'), NY)).toBe('2026-03'); // 01:59:59 EST
    expect(usageMonthOf(at('2026-03-08T07:00:00Z'), NY)).toBe('2026-03'); // 03:00 EDT
  });

  it('is right across the fall-back change (New York, 1 November 2026) and its repeated hour', () => {
    expect(usageMonthOf(at('2026-11-01T03:59:59Z'), NY)).toBe('2026-10'); // 23:59:59 EDT 31 Oct
    expect(usageMonthOf(at('2026-11-01T04:00:00Z'), NY)).toBe('2026-11'); // 00:00 EDT 1 Nov
    expect(usageMonthOf(at('2026-11-01T05:30:00Z'), NY)).toBe('2026-11'); // 01:30 EDT
    expect(usageMonthOf(at('2026-11-01T06:30:00Z'), NY)).toBe('2026-11'); // 01:30 EST, the same wall time again
    // A month after the change the offset is -5: 23:30 EST on 30 Nov is 04:30 UTC on 1 Dec.
    expect(usageMonthOf(at('2026-12-01T04:30:00Z'), NY)).toBe('2026-11');
    expect(usageMonthOf(at('2026-12-01T05:00:00Z'), NY)).toBe('2026-12');
  });

  it('handles a half-hour zone without DST (Asia/Kolkata, +05:30)', () => {
    expect(usageMonthOf(at('2026-01-31T18:29:59Z'), IST)).toBe('2026-01');
    expect(usageMonthOf(at('2026-01-31T18:30:00Z'), IST)).toBe('2026-02');
    expect(usageMonthOf(at('2025-12-31T18:30:00Z'), IST)).toBe('2026-01');
  });

  it('refuses an unknown zone or an invalid date with a clear error', () => {
    expect(() => usageMonthOf(at('2026-01-01T00:00:00Z'), 'Mars/Olympus')).toThrow(/IANA/);
    expect(() => usageMonthOf(new Date('nope'), NY)).toThrow(/invalid date/);
  });
});

describe('month keys', () => {
  it('validates YYYY-MM', () => {
    expect(isUsageMonth('2026-03')).toBe(true);
    for (const bad of ['2026-3', '2026-13', '2026-00', '26-03', '2026-03-01', '', 202603, null])
      expect(isUsageMonth(bad)).toBe(false);
    expect(() => assertUsageMonth('2026-13')).toThrow(/YYYY-MM/);
  });

  it('lists the 12 months ending at a month, oldest first, across a year end', () => {
    expect(last12Months('2026-02')).toEqual([
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(last12Months('2026-12')[0]).toBe('2026-01');
    expect(shiftUsageMonth('2026-01', -1)).toBe('2025-12');
  });

  it('gives the instants a month starts and ends at in the zone', () => {
    const { start, end } = usageMonthBounds('2026-03', NY);
    expect(start.toISOString()).toBe('2026-03-01T05:00:00.000Z'); // EST
    expect(end.toISOString()).toBe('2026-04-01T04:00:00.000Z'); // EDT
  });
});
