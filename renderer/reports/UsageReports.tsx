// The Usage Reports page (seed §7), opened from the expanded view's profile menu: a month
// filter, "This month" / "Last 12 months", and four charts — nudges by entity, SMS inbound
// vs outbound, SMS per provider, WhatsApp inbound vs outbound — each with a table of the same
// numbers (the table is what screen readers and keyboard users read), and a CSV export.
//
// Which months: "This month" is the current month and "Last 12 months" the twelve ending with
// it, until the rep picks a month in the filter — then the picked month, or the twelve ending
// with it. Choosing a period again starts from the current month, so picking October and then
// "Last 12 months" shows the year up to now, not a year that ended in October.
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { ConverseApi, UsageReport, UsageReportQuery } from '../../shared/ipc';
import { downloadCsv, nudgeTotal, providersOf, usageCsvFileName, usageReportCsv } from './usage-csv';
import { MonthPicker } from './MonthPicker';
import './reports.css';

type Range = UsageReportQuery['range'];

type LoadState =
  | { status: 'idle' }
  | { status: 'loading'; report: UsageReport | null }
  | { status: 'ready'; report: UsageReport }
  | { status: 'error'; code: string; message: string; report: UsageReport | null };

function currentMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

function reportsApi(): Pick<ConverseApi, 'invoke'> | null {
  return (window as unknown as { converse?: ConverseApi }).converse ?? null;
}

const PROVIDER_NAMES: Record<string, string> = { ctm: 'CTM', ringcentral: 'RingCentral', sandbox: 'Sandbox' };
const providerName = (p: string) => PROVIDER_NAMES[p] ?? p;
const PROVIDER_COLOURS: Record<string, string> = { ctm: 'var(--ur-ctm)', ringcentral: 'var(--ur-ringcentral)' };
const providerColour = (p: string) => PROVIDER_COLOURS[p] ?? 'var(--ur-other)';

export function UsageReports(props: { onClose: () => void }) {
  const { t, i18n } = useTranslation('reports');
  const [picked, setPicked] = useState<string | null>(null);
  const [range, setRange] = useState<Range>('month');
  const latest = currentMonth();
  const month = picked ?? latest;
  const [state, setState] = useState<LoadState>({ status: 'idle' });
  const [attempt, setAttempt] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const ids = { heading: useId() };

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  useEffect(() => {
    let current = true; // a slower answer to an older filter must not overwrite a newer one
    setState((s) => ({ status: 'loading', report: 'report' in s ? s.report : null }));
    const api = reportsApi();
    const request = api
      ? api.invoke('reports.usage', { range, month })
      : Promise.reject(Object.assign(new Error('The app is not connected.'), { code: 'offline' }));
    request.then(
      (report) => {
        if (current) setState({ status: 'ready', report });
      },
      (err: unknown) => {
        if (!current) return;
        const e = err as { code?: unknown; message?: unknown };
        setState((s) => ({
          status: 'error',
          code: typeof e?.code === 'string' ? e.code : 'internal',
          message: typeof e?.message === 'string' ? e.message : String(err),
          report: 'report' in s ? s.report : null,
        }));
      },
    );
    return () => {
      current = false;
    };
  }, [range, month, attempt]);

  const report = 'report' in state ? state.report : null;
  const lang = i18n.language || 'en';
  const number = useMemo(() => new Intl.NumberFormat(lang), [lang]);
  const monthLabel = useCallback(
    (key: string) => {
      const [y, m] = key.split('-').map(Number);
      return new Intl.DateTimeFormat(lang, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
        Date.UTC(y, m - 1, 1),
      );
    },
    [lang],
  );

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.stopPropagation();
      props.onClose();
    }
  };

  const onDownload = () => {
    if (report) downloadCsv(usageCsvFileName(report), usageReportCsv(report));
  };

  return (
    <section className="usage-reports" aria-labelledby={ids.heading} onKeyDown={onKeyDown}>
      <header className="usage-reports__header">
        <h1 id={ids.heading} ref={headingRef} tabIndex={-1}>
          {t('title')}
        </h1>
        <button type="button" className="usage-reports__close" onClick={props.onClose}>
          {t('close')}
        </button>
      </header>

      <form className="usage-reports__filters" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
        <MonthPicker value={month} latest={latest} onChange={setPicked} />
        <fieldset className="usage-reports__range">
          <legend>{t('period')}</legend>
          {(['month', 'last12'] as const).map((r) => (
            <label key={r} className="usage-reports__range-option">
              <input
                type="radio"
                name="range"
                value={r}
                checked={range === r}
                onChange={() => {
                  setRange(r);
                  setPicked(null);
                }}
              />
              <span>{t(`range.${r}`)}</span>
            </label>
          ))}
        </fieldset>
        <button
          type="button"
          className="usage-reports__download"
          onClick={onDownload}
          disabled={!report || state.status === 'loading'}
        >
          {t('downloadCsv')}
        </button>
      </form>

      <div className="usage-reports__status" role="status" aria-live="polite">
        {state.status === 'loading' ? t('loading') : ''}
      </div>

      {state.status === 'error' && (
        <div className="usage-reports__error" role="alert">
          <p>{t(`errors.${state.code}`, { defaultValue: t('errors.generic') })}</p>
          {state.code !== 'invalid_request' && state.code !== 'invalid_arguments' && (
            <p className="usage-reports__detail">{state.message}</p>
          )}
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            {t('retry')}
          </button>
        </div>
      )}

      {report && (
        <div aria-busy={state.status === 'loading'}>
          <ReportBody report={report} number={number} monthLabel={monthLabel} />
        </div>
      )}
    </section>
  );
}

function ReportBody({
  report,
  number,
  monthLabel,
}: {
  report: UsageReport;
  number: Intl.NumberFormat;
  monthLabel: (m: string) => string;
}) {
  const { t } = useTranslation('reports');
  const n = (v: number) => number.format(v);
  const providers = providersOf(report);
  const sum = (pick: (m: UsageReport['months'][number]) => number) =>
    report.months.reduce((acc, m) => acc + pick(m), 0);
  const totals = {
    nudges: sum(nudgeTotal),
    smsSent: sum((m) => m.sms.outbound),
    smsReceived: sum((m) => m.sms.inbound),
    whatsappSent: sum((m) => m.whatsapp.outbound),
    whatsappReceived: sum((m) => m.whatsapp.inbound),
  };
  const nothing = Object.values(totals).every((v) => v === 0);

  const rows = report.months.map((m) => ({
    label: monthLabel(m.month),
    lead: m.nudges.lead,
    task: m.nudges.task,
    activity: m.nudges.activity,
    inbound: m.sms.inbound,
    outbound: m.sms.outbound,
    waInbound: m.whatsapp.inbound,
    waOutbound: m.whatsapp.outbound,
    ...Object.fromEntries(
      providers.map((p) => [`p_${p}`, (m.sms.byProvider[p]?.inbound ?? 0) + (m.sms.byProvider[p]?.outbound ?? 0)]),
    ),
  }));

  return (
    <>
      <p className="usage-reports__scope">
        {report.months.length > 0 && (
          <strong className="usage-reports__span">
            {report.months.length > 1
              ? t('span', { from: monthLabel(report.months[0].month), to: monthLabel(report.months.at(-1)!.month) })
              : monthLabel(report.months[0].month)}
          </strong>
        )}{' '}
        {t(`scope.${report.scope}`)} · {t('timeZone', { timeZone: report.timeZone })}
      </p>

      <section className="usage-reports__totals" aria-label={t('totals.title')}>
        <dl>
          {(Object.keys(totals) as Array<keyof typeof totals>).map((k) => (
            <div key={k}>
              <dt>{t(`totals.${k}`)}</dt>
              <dd>{n(totals[k])}</dd>
            </div>
          ))}
        </dl>
        {nothing && <p>{t('nothingCounted')}</p>}
      </section>

      <ReportSection
        title={t('nudges.title')}
        chart={
          <BarChart data={rows} responsive style={CHART_STYLE} accessibilityLayer>
            {axes()}
            <Bar
              dataKey="lead"
              name={t('nudges.lead')}
              stackId="nudges"
              fill="var(--ur-lead)"
              isAnimationActive={false}
            />
            <Bar
              dataKey="task"
              name={t('nudges.task')}
              stackId="nudges"
              fill="var(--ur-task)"
              isAnimationActive={false}
            />
            <Bar
              dataKey="activity"
              name={t('nudges.activity')}
              stackId="nudges"
              fill="var(--ur-activity)"
              isAnimationActive={false}
            />
          </BarChart>
        }
        table={
          <DataTable
            caption={t('nudges.title')}
            columns={[t('nudges.lead'), t('nudges.task'), t('nudges.activity'), t('nudges.total')]}
            rows={report.months.map((m) => [
              monthLabel(m.month),
              [m.nudges.lead, m.nudges.task, m.nudges.activity, nudgeTotal(m)].map(n),
            ])}
          />
        }
      />

      <ReportSection
        title={t('sms.title')}
        chart={
          <BarChart data={rows} responsive style={CHART_STYLE} accessibilityLayer>
            {axes()}
            <Bar dataKey="inbound" name={t('sms.inbound')} fill="var(--ur-inbound)" isAnimationActive={false} />
            <Bar dataKey="outbound" name={t('sms.outbound')} fill="var(--ur-outbound)" isAnimationActive={false} />
          </BarChart>
        }
        table={
          <DataTable
            caption={t('sms.title')}
            columns={[t('sms.inbound'), t('sms.outbound')]}
            rows={report.months.map((m) => [monthLabel(m.month), [m.sms.inbound, m.sms.outbound].map(n)])}
          />
        }
      />

      <ReportSection
        title={t('providers.title')}
        chartTitle={t('providers.chartTitle')}
        wideTable
        chart={
          <BarChart data={rows} responsive style={CHART_STYLE} accessibilityLayer>
            {axes()}
            {providers.map((p) => (
              <Bar
                key={p}
                dataKey={`p_${p}`}
                name={t('providers.total', { provider: providerName(p) })}
                fill={providerColour(p)}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        }
        table={
          <DataTable
            caption={t('providers.title')}
            columns={providers.flatMap((p) => [
              t('providers.sent', { provider: providerName(p) }),
              t('providers.received', { provider: providerName(p) }),
            ])}
            rows={report.months.map((m) => [
              monthLabel(m.month),
              providers.flatMap((p) => [m.sms.byProvider[p]?.outbound ?? 0, m.sms.byProvider[p]?.inbound ?? 0]).map(n),
            ])}
          />
        }
      />

      <ReportSection
        title={t('whatsapp.title')}
        chart={
          <BarChart data={rows} responsive style={CHART_STYLE} accessibilityLayer>
            {axes()}
            <Bar
              dataKey="waInbound"
              name={t('whatsapp.inbound')}
              fill="var(--ur-wa-inbound)"
              isAnimationActive={false}
            />
            <Bar
              dataKey="waOutbound"
              name={t('whatsapp.outbound')}
              fill="var(--ur-wa-outbound)"
              isAnimationActive={false}
            />
          </BarChart>
        }
        table={
          <DataTable
            caption={t('whatsapp.title')}
            columns={[t('whatsapp.inbound'), t('whatsapp.outbound')]}
            rows={report.months.map((m) => [monthLabel(m.month), [m.whatsapp.inbound, m.whatsapp.outbound].map(n)])}
          />
        }
      />
    </>
  );
}

const CHART_STYLE = { width: '100%', maxWidth: 560, height: 260 } as const;

function axes() {
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
function ReportSection({
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

function DataTable({
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
