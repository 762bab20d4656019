// The reports' month filter: a month and a year list, named in the interface's language. The
// browser's own <input type="month"> speaks the browser's language, not the app's (a rep who
// chose Hindi saw English month names), and lets a half-typed value through; two lists give
// only whole, valid months. Months after the current one are shown but cannot be chosen.
import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** How many years back the year list goes. */
const YEARS_BACK = 5;

export interface MonthPickerProps {
  /** "YYYY-MM". */
  value: string;
  /** The current month, "YYYY-MM" (the last that can be chosen). */
  latest: string;
  onChange: (month: string) => void;
}

const pad = (m: number) => String(m).padStart(2, '0');

export function MonthPicker({ value, latest, onChange }: MonthPickerProps) {
  const { t, i18n } = useTranslation('reports');
  const ids = { group: useId(), month: useId(), year: useId() };
  const lang = i18n.language || 'en';
  const [year, month] = value.split('-').map(Number);
  const [latestYear, latestMonth] = latest.split('-').map(Number);
  const monthNames = useMemo(() => {
    const f = new Intl.DateTimeFormat(lang, { month: 'long', timeZone: 'UTC' });
    return Array.from({ length: 12 }, (_, i) => f.format(Date.UTC(2000, i, 1)));
  }, [lang]);
  const yearFormat = useMemo(() => new Intl.NumberFormat(lang, { useGrouping: false }), [lang]);
  const years = Array.from({ length: YEARS_BACK + 1 }, (_, i) => latestYear - YEARS_BACK + i);
  if (!years.includes(year)) years.unshift(year);

  // A later year than the current one cannot be chosen, so a month past `latest` only comes
  // from picking a year: keep the month, capped at the latest one of that year.
  const choose = (y: number, m: number) => onChange(`${y}-${pad(y === latestYear ? Math.min(m, latestMonth) : m)}`);

  return (
    <div className="usage-reports__field usage-reports__month" role="group" aria-labelledby={ids.group}>
      <span id={ids.group} className="usage-reports__label">
        {t('month')}
      </span>
      <div className="usage-reports__month-lists">
        <select
          id={ids.month}
          aria-label={t('month')}
          value={month}
          onChange={(e) => choose(year, Number(e.target.value))}
        >
          {monthNames.map((name, i) => (
            <option key={name} value={i + 1} disabled={year === latestYear && i + 1 > latestMonth}>
              {name}
            </option>
          ))}
        </select>
        <select
          id={ids.year}
          aria-label={t('year')}
          value={year}
          onChange={(e) => choose(Number(e.target.value), month)}
        >
          {years.map((y) => (
            <option key={y} value={y}>
              {yearFormat.format(y)}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
