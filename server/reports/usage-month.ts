// Usage is counted per calendar month *in the workspace's time zone*: a text sent at
// 23:30 on 31 March in New York belongs to March even though it is already April in UTC.
// Luxon does the zone arithmetic (IANA database), so DST changes never move an instant
// into the wrong month.
import { DateTime, IANAZone } from 'luxon';

/** A month as the reports name it: "YYYY-MM". */
export type UsageMonthKey = string;

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isUsageMonth(value: unknown): value is UsageMonthKey {
  return typeof value === 'string' && MONTH_PATTERN.test(value);
}

/** Throws a plain-words error for anything but a real "YYYY-MM" month. */
export function assertUsageMonth(value: unknown): UsageMonthKey {
  if (!isUsageMonth(value)) {
    throw new RangeError(`Month must look like YYYY-MM (for example 2026-03), got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Zone names already checked: every counted message asks, and checking builds an Intl formatter each time. */
const checkedZones = new Map<string, boolean>();

export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0) return false;
  let valid = checkedZones.get(value);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(value);
    if (checkedZones.size < 1_000) checkedZones.set(value, valid);
  }
  return valid;
}

/** Throws for anything that is not an IANA time zone name ("America/New_York", "Asia/Kolkata", "UTC"). */
export function assertTimeZone(value: unknown): string {
  if (!isTimeZone(value)) {
    throw new RangeError(`Time zone must be an IANA name such as "America/New_York", got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** The month an instant belongs to in `timeZone`. */
export function usageMonthOf(at: Date, timeZone: string): UsageMonthKey {
  assertTimeZone(timeZone);
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new RangeError('Cannot count usage at an invalid date.');
  }
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat('yyyy-MM');
}

/** Adds (or with a negative `delta` subtracts) whole months. */
export function shiftUsageMonth(month: UsageMonthKey, delta: number): UsageMonthKey {
  const [, y, m] = MONTH_PATTERN.exec(assertUsageMonth(month))!;
  const index = Number(y) * 12 + (Number(m) - 1) + delta;
  const year = Math.floor(index / 12);
  const monthOfYear = index - year * 12 + 1;
  if (year < 0 || year > 9999) throw new RangeError(`Month ${month} shifted by ${delta} leaves the calendar.`);
  return `${String(year).padStart(4, '0')}-${String(monthOfYear).padStart(2, '0')}`;
}

/** The 12 months ending with `month` (inclusive), oldest first. */
export function last12Months(month: UsageMonthKey): UsageMonthKey[] {
  assertUsageMonth(month);
  return Array.from({ length: 12 }, (_, i) => shiftUsageMonth(month, i - 11));
}

/** The instants where `month` starts and ends in `timeZone` ([start, end)), for range queries on raw rows. */
export function usageMonthBounds(month: UsageMonthKey, timeZone: string): { start: Date; end: Date } {
  const [, y, m] = MONTH_PATTERN.exec(assertUsageMonth(month))!;
  assertTimeZone(timeZone);
  const start = DateTime.fromObject({ year: Number(y), month: Number(m), day: 1 }, { zone: timeZone });
  return { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
}
