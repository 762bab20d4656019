// The Usage Reports page (seed §7), opened from the expanded view's profile menu: a month
// filter, "This month" / "Last 12 months", and four charts — nudges by entity, SMS inbound
// vs outbound, SMS per provider, WhatsApp inbound vs outbound — each with a table of the same
// numbers (the table is what screen readers and keyboard users read), and a CSV export.
//
// Which months: "This month" is the current month and "Last 12 months" the twelve ending with
// it, until the rep picks a month in the filter — then the picked month, or the twelve ending
// with it. Choosing a period again starts from the current month, so picking October and then
// "Last 12 months" shows the year up to now, not a year that ended in October.
// The page's parts live beside it: PeriodControls, ReportSummary (scope line and summary tiles),
// and one component per chart+table section on the frame in ReportSection.
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConverseApi, UsageReport } from '../../shared/ipc';
import { downloadCsv, providersOf, usageCsvFileName, usageReportCsv } from './usage-csv';
import { NudgesSection } from './NudgesSection';
import { PeriodControls, type Range } from './PeriodControls';
import { ProvidersSection } from './ProvidersSection';
import type { ChartRow, SectionProps } from './ReportSection';
import { ReportScope, SummaryTiles } from './ReportSummary';
import { SmsSection } from './SmsSection';
import { WhatsAppSection } from './WhatsAppSection';
import './reports.css';

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

      <PeriodControls
        month={month}
        latest={latest}
        range={range}
        onPickMonth={setPicked}
        onPickRange={(r) => {
          setRange(r);
          setPicked(null);
        }}
        onDownload={onDownload}
        downloadDisabled={!report || state.status === 'loading'}
      />

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

/** The chart data: one row per month, a number per series (`p_<provider>`: a provider's SMS total). */
function chartRows(report: UsageReport, monthLabel: (m: string) => string): ChartRow[] {
  const providers = providersOf(report);
  return report.months.map((m) => ({
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
  const section: SectionProps = { report, rows: chartRows(report, monthLabel), n: (v) => number.format(v), monthLabel };
  return (
    <>
      <ReportScope report={report} monthLabel={monthLabel} />
      <SummaryTiles report={report} n={section.n} />
      <NudgesSection {...section} />
      <SmsSection {...section} />
      <ProvidersSection {...section} />
      <WhatsAppSection {...section} />
    </>
  );
}
