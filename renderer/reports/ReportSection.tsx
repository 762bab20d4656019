// The frame every part of the Usage Reports page shares: a chart and a table of the same numbers
// (the table is what screen readers and keyboard users read), the chart's axes and size, and the
// facts each section is drawn from.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { UsageReport } from '../../shared/ipc';

/** One chart bar group per month: the month's label and a number per series (`p_<provider>` for providers). */
export type ChartRow = Record<string, string | number>;

/** What each chart+table section is drawn from. */
export interface SectionProps {
  report: UsageReport;
  rows: ChartRow[];
  /** A count in the rep's language. */
  n: (v: number) => string;
  monthLabel: (m: string) => string;
}

export const CHART_STYLE = { width: '100%', maxWidth: 560, height: 260 } as const;

export function axes() {
  return [
    <CartesianGrid key="grid" strokeDasharray="3 3" stroke="var(--ur-grid)" vertical={false} />,
    <XAxis key="x" dataKey="label" tick={{ fill: 'var(--ur-muted)', fontSize: 12 }} stroke="var(--ur-border)" />,
    <YAxis
      key="y"
      allowDecimals={false}
      tick={{ fill: 'var(--ur-muted)', fontSize: 12 }}
      stroke="var(--ur-border)"
      width={40}
    />,
    <Tooltip
      key="tip"
      itemSorter={() => 0}
      contentStyle={{ background: 'var(--ur-surface)', color: 'var(--ur-fg)', border: '1px solid var(--ur-border)' }}
      cursor={{ fill: 'var(--ur-hover)' }}
    />,
    // Series order, not alphabetical: leads, tasks, activities as in the table.
    <Legend key="legend" itemSorter={null} wrapperStyle={{ color: 'var(--ur-fg)' }} />,
  ];
}

/** A chart and its table side by side; `wideTable` (one column per provider and direction)
 * puts the table under the chart at full width, so it never needs scrolling at 1280 px. */
export function ReportSection({
  title,
  chartTitle,
  chart,
  table,
  wideTable = false,
}: {
  title: string;
  chartTitle?: string;
  chart: ReactNode;
  table: ReactNode;
  wideTable?: boolean;
}) {
  const { t } = useTranslation('reports');
  return (
    <section className="usage-reports__section" aria-label={title}>
      <h2>{title}</h2>
      <div className={`usage-reports__pair${wideTable ? ' usage-reports__pair--stacked' : ''}`}>
        <figure className="usage-reports__chart" aria-label={t('chartLabel', { title: chartTitle ?? title })}>
          {chart}
        </figure>
        <div className="usage-reports__table">{table}</div>
      </div>
    </section>
  );
}

export function DataTable({
  caption,
  columns,
  rows,
}: {
  caption: string;
  columns: string[];
  rows: Array<[string, string[]]>;
}) {
  const { t } = useTranslation('reports');
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('monthColumn')}</th>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, cells]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            {cells.map((c, i) => (
              <td key={columns[i]}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
