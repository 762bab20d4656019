// Calendar months in the workspace's time zone, for usage counters and reports.
import { DateTime } from 'luxon';

export function monthOf(at: Date, timeZone: string): string {
  const dt = DateTime.fromJSDate(at, { zone: timeZone });
  return (dt.isValid ? dt : DateTime.fromJSDate(at, { zone: 'utc' })).toFormat('yyyy-LL');
}

/** The 12 months ending with `month` (YYYY-MM), oldest first. */
export function last12(month: string): string[] {
  const end = DateTime.fromFormat(month, 'yyyy-LL', { zone: 'utc' });
  return Array.from({ length: 12 }, (_, i) => end.minus({ months: 11 - i }).toFormat('yyyy-LL'));
}
