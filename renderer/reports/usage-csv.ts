// The usage report as CSV, built in the renderer from the numbers on screen, so the file a
// rep downloads always matches the tables they read. Column names are stable English keys
// (a spreadsheet or script reading them should not break when the interface language changes).
import type { UsageMonth, UsageReport } from '../../shared/ipc';

/** Provider columns in a stable order: the seed's two first, anything else after. */
export function providersOf(report: UsageReport): string[] {
  const seen = new Set<string>(['ctm', 'ringcentral']);
  for (const m of report.months) for (const p of Object.keys(m.sms.byProvider)) seen.add(p);
  return [...seen];
}

export const nudgeTotal = (m: UsageMonth) => m.nudges.lead + m.nudges.task + m.nudges.activity;

const field = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function usageReportCsv(report: UsageReport): string {
  const providers = providersOf(report);
  const header = [
    'month',
    'nudges_lead',
    'nudges_task',
    'nudges_activity',
    'nudges_total',
    'sms_inbound',
    'sms_outbound',
    ...providers.flatMap((p) => [`sms_${p}_inbound`, `sms_${p}_outbound`]),
    'whatsapp_inbound',
    'whatsapp_outbound',
  ];
  const rows = report.months.map((m) => [
    m.month,
    m.nudges.lead,
    m.nudges.task,
    m.nudges.activity,
    nudgeTotal(m),
    m.sms.inbound,
    m.sms.outbound,
    ...providers.flatMap((p) => [m.sms.byProvider[p]?.inbound ?? 0, m.sms.byProvider[p]?.outbound ?? 0]),
    m.whatsapp.inbound,
    m.whatsapp.outbound,
  ]);
  // CRLF per RFC 4180; spreadsheet apps on every OS read it.
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

export function usageCsvFileName(report: UsageReport): string {
  const first = report.months[0]?.month ?? 'empty';
  const last = report.months[report.months.length - 1]?.month ?? first;
  return first === last ? `converse-usage-${first}.csv` : `converse-usage-${first}-to-${last}.csv`;
}

/** Saves the CSV through a Blob and an object URL: no server round trip, works offline. */
export function downloadCsv(fileName: string, csv: string): void {
  // A BOM so Excel opens UTF-8 correctly.
  const blob = new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke on the next turn: the click starts the download asynchronously in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
