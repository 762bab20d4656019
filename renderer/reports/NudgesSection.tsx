// Usage Reports: nudges per month, stacked by what they were about (lead, task, activity).
import { useTranslation } from 'react-i18next';
import { Bar, BarChart } from 'recharts';
import { nudgeTotal } from './usage-csv';
import { axes, CHART_STYLE, DataTable, ReportSection, type SectionProps } from './ReportSection';

export function NudgesSection({ report, rows, n, monthLabel }: SectionProps) {
  const { t } = useTranslation('reports');
  return (
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
  );
}
