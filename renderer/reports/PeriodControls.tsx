// Usage Reports: the period controls — the month filter, "This month" / "Last 12 months", and the
// CSV download of what is shown. Choosing a period also clears the picked month (see UsageReports).
import { useTranslation } from 'react-i18next';
import type { UsageReportQuery } from '../../shared/ipc';
import { MonthPicker } from './MonthPicker';

export type Range = UsageReportQuery['range'];

export function PeriodControls(props: {
  month: string;
  latest: string;
  range: Range;
  onPickMonth: (month: string) => void;
  onPickRange: (range: Range) => void;
  onDownload: () => void;
  downloadDisabled: boolean;
}) {
  const { t } = useTranslation('reports');
  return (
    <form className="usage-reports__filters" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
      <MonthPicker value={props.month} latest={props.latest} onChange={props.onPickMonth} />
      <fieldset className="usage-reports__range">
        <legend>{t('period')}</legend>
        {(['month', 'last12'] as const).map((r) => (
          <label key={r} className="usage-reports__range-option">
            <input
              type="radio"
              name="range"
              value={r}
              checked={props.range === r}
              onChange={() => props.onPickRange(r)}
            />
            <span>{t(`range.${r}`)}</span>
          </label>
        ))}
      </fieldset>
      <button
        type="button"
        className="usage-reports__download"
        onClick={props.onDownload}
        disabled={props.downloadDisabled}
      >
        {t('downloadCsv')}
      </button>
    </form>
  );
}
