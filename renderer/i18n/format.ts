// Dates and times in the rep's locale and time zone.
import type { TFunction } from 'i18next';
import { formatLocale } from './index';
import { localDay } from '../state/threadRows';

// Building a DateTimeFormat costs far more than using one; the list formats many times per frame.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = formatLocale();
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}

export function formatTime(iso: string): string {
  return formatter({ hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}

/** A list's timestamp: the time today, the date before. */
export function formatWhen(iso: string, now: Date = new Date()): string {
  if (localDay(iso) === localDay(now.toISOString())) return formatTime(iso);
  return formatter({ month: 'short', day: 'numeric' }).format(new Date(iso));
}

export function formatDateTime(iso: string): string {
  return formatter({ dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** "Today", "Yesterday" or the full date, for a YYYY-MM-DD local day. */
export function formatDay(day: string, t: TFunction, now: Date = new Date()): string {
  if (day === localDay(now.toISOString())) return t('conversation.today');
  const y = new Date(now);
  y.setDate(y.getDate() - 1);
  if (day === localDay(y.toISOString())) return t('conversation.yesterday');
  const [yy, mm, dd] = day.split('-').map(Number);
  return formatter({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(
    new Date(yy, mm - 1, dd),
  );
}

/** "23 h 5 min" / "12 min": what is left of the WhatsApp window. */
export function formatRemaining(ms: number, t: TFunction): string {
  const totalMinutes = Math.max(1, Math.ceil(ms / 60_000));
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return hours > 0 ? t('composer.hoursMinutes', { hours, minutes }) : t('composer.minutes', { minutes });
}

export function formatBytes(bytes: number): string {
  const nf = new Intl.NumberFormat(formatLocale(), { maximumFractionDigits: 1 });
  if (bytes >= 1024 * 1024) return `${nf.format(bytes / (1024 * 1024))} MB`;
  return `${nf.format(Math.max(1, Math.round(bytes / 1024)))} KB`;
}
