// Usage Reports: above the charts, which months and whose messages the numbers cover, and the
// summary tiles — the period's totals, with a line saying so when nothing was counted.
import { useTranslation } from 'react-i18next';
import type { UsageReport } from '../../shared/ipc';
import { nudgeTotal } from './usage-csv';

type MonthCounts = UsageReport['months'][number];

/** The period's totals, in the order the tiles show them. */
function periodTotals(report: UsageReport) {
  const sum = (pick: (m: MonthCounts) => number) => report.months.reduce((acc, m) => acc + pick(m), 0);
  return {
    nudges: sum(nudgeTotal),
    smsSent: sum((m) => m.sms.outbound),
    smsReceived: sum((m) => m.sms.inbound),
    whatsappSent: sum((m) => m.whatsapp.outbound),
    whatsappReceived: sum((m) => m.whatsapp.inbound),
  };
}

/** The months covered, whose messages are counted, and the time zone months are counted in. */
export function ReportScope({ report, monthLabel }: { report: UsageReport; monthLabel: (m: string) => string }) {
  const { t } = useTranslation('reports');
  return (
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
  );
}

export function SummaryTiles({ report, n }: { report: UsageReport; n: (v: number) => string }) {
  const { t } = useTranslation('reports');
  const totals = periodTotals(report);
  const nothing = Object.values(totals).every((v) => v === 0);
  return (
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
  );
}
