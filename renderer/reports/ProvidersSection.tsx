// Usage Reports: SMS per provider — the chart shows each provider's total a month, the table its
// sent and received counts (one column per provider and direction, so it sits under the chart).
import { useTranslation } from 'react-i18next';
import { Bar, BarChart } from 'recharts';
import { providersOf } from './usage-csv';
import { axes, CHART_STYLE, DataTable, ReportSection, type SectionProps } from './ReportSection';

const PROVIDER_NAMES: Record<string, string> = { ctm: 'CTM', ringcentral: 'RingCentral', sandbox: 'Sandbox' };
const providerName = (p: string) => PROVIDER_NAMES[p] ?? p;
const PROVIDER_COLOURS: Record<string, string> = { ctm: 'var(--ur-ctm)', ringcentral: 'var(--ur-ringcentral)' };
const providerColour = (p: string) => PROVIDER_COLOURS[p] ?? 'var(--ur-other)';

export function ProvidersSection({ report, rows, n, monthLabel }: SectionProps) {
  const { t } = useTranslation('reports');
  const providers = providersOf(report);
  return (
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
  );
}
