// Usage Reports, owned by renderer/reports/. PLUG-IN POINT: the component is loaded from
// renderer/reports/UsageReports.tsx when that file exists (import.meta.glob finds nothing
// otherwise), so this window builds and runs with or without it.
import { lazy, Suspense, useMemo, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';

type UsageReportsProps = { onClose: () => void };
const modules = import.meta.glob<{ UsageReports: ComponentType<UsageReportsProps> }>('../reports/UsageReports.tsx');

export function ReportsView({ onClose }: UsageReportsProps) {
  const { t } = useTranslation();
  const loader = Object.values(modules)[0];
  const Reports = useMemo(
    () => (loader ? lazy(() => loader().then((m) => ({ default: m.UsageReports }))) : null),
    [loader],
  );
  if (!Reports) {
    return (
      <section className="panel" aria-label={t('header.usageReports')}>
        <p>{t('reports.unavailable')}</p>
        <button type="button" className="text-button" onClick={onClose}>
          {t('app.close')}
        </button>
      </section>
    );
  }
  return (
    <Suspense fallback={<p className="hint">{t('app.loading')}</p>}>
      <Reports onClose={onClose} />
    </Suspense>
  );
}
