// Usage Reports: WhatsApp messages received and sent per month.
import { useTranslation } from 'react-i18next';
import { Bar, BarChart } from 'recharts';
import { axes, CHART_STYLE, DataTable, ReportSection, type SectionProps } from './ReportSection';

export function WhatsAppSection({ report, rows, n, monthLabel }: SectionProps) {
  const { t } = useTranslation('reports');
  return (
    <ReportSection
      title={t('whatsapp.title')}
      chart={
        <BarChart data={rows} responsive style={CHART_STYLE} accessibilityLayer>
          {axes()}
          <Bar dataKey="waInbound" name={t('whatsapp.inbound')} fill="var(--ur-wa-inbound)" isAnimationActive={false} />
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
  );
}
