// Usage Reports: SMS received and sent per month, all providers together.
import { useTranslation } from 'react-i18next';
import { Bar, BarChart } from 'recharts';
import { axes, CHART_STYLE, DataTable, ReportSection, type SectionProps } from './ReportSection';

export function SmsSection({ report, rows, n, monthLabel }: SectionProps) {
  const { t } = useTranslation('reports');
  return (
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
  );
}
