import { describe, expect, it } from 'vitest';
import { UsageReport } from '../../shared/ipc';
import {
  buildUsageReport,
  reportScopeFor,
  UsageReportQueryError,
  type UsageCounterRow,
  type UsageCounterSource,
} from '../../server/reports/usage-report';

const TZ = 'America/New_York';
const admin = { id: 'ada', role: 'admin' as const };
const rita = { id: 'rita', role: 'sales' as const };

const rows: UsageCounterRow[] = [
  { month: '2026-03', kind: 'nudge', entity: 'lead', userId: 'rita', count: 4 },
  { month: '2026-03', kind: 'nudge', entity: 'task', userId: 'sam', count: 2 },
  { month: '2026-03', kind: 'nudge', entity: 'activity', userId: 'rita', count: 1 },
  { month: '2026-03', kind: 'sms', provider: 'ctm', direction: 'outbound', userId: 'rita', count: 10 },
  { month: '2026-03', kind: 'sms', provider: 'ctm', direction: 'inbound', userId: 'rita', count: 7 },
  { month: '2026-03', kind: 'sms', provider: 'ringcentral', direction: 'outbound', userId: 'sam', count: 5 },
  { month: '2026-03', kind: 'sms', provider: 'ringcentral', direction: 'inbound', userId: null, count: 3 },
  { month: '2026-03', kind: 'whatsapp', direction: 'inbound', userId: 'rita', count: 6 },
  { month: '2025-05', kind: 'nudge', entity: 'lead', userId: 'sam', count: 9 },
  { month: '2025-04', kind: 'nudge', entity: 'lead', userId: 'rita', count: 100 }, // outside any 12 months ending 2026-03
];

/** A source that honours the user filter, and records what it was asked. */
function honestSource(data = rows) {
  const asked: Array<{ months: readonly string[]; userId: string | null }> = [];
  const source: UsageCounterSource = {
    usageCounters(q) {
      asked.push(q);
      return data.filter((r) => q.months.includes(r.month) && (q.userId === null || r.userId === q.userId));
    },
  };
  return { source, asked };
}

describe('usage report builder', () => {
  it('shows an admin the whole workspace for one month, unattributed counts included', async () => {
    const report = await buildUsageReport({
      query: { range: 'month', month: '2026-03' },
      viewer: admin,
      timeZone: TZ,
      source: honestSource().source,
    });
    expect(UsageReport.parse(report)).toEqual(report);
    expect(report.scope).toBe('workspace');
    expect(report.timeZone).toBe(TZ);
    expect(report.months).toEqual([
      {
        month: '2026-03',
        nudges: { lead: 4, task: 2, activity: 1 },
        sms: {
          inbound: 10,
          outbound: 15,
          byProvider: { ctm: { inbound: 7, outbound: 10 }, ringcentral: { inbound: 3, outbound: 5 } },
        },
        whatsapp: { inbound: 6, outbound: 0 },
      },
    ]);
  });

  it("shows a sales rep only their own figures, even when the source returns everyone's", async () => {
    const { source, asked } = honestSource();
    const own = await buildUsageReport({
      query: { range: 'month', month: '2026-03' },
      viewer: rita,
      timeZone: TZ,
      source,
    });
    expect(asked[0].userId).toBe('rita');
    const leaky: UsageCounterSource = { usageCounters: () => rows };
    const filtered = await buildUsageReport({
      query: { range: 'month', month: '2026-03' },
      viewer: rita,
      timeZone: TZ,
      source: leaky,
    });
    for (const report of [own, filtered]) {
      expect(report.scope).toBe('user');
      expect(report.months[0].nudges).toEqual({ lead: 4, task: 0, activity: 1 });
      expect(report.months[0].sms).toEqual({
        inbound: 7,
        outbound: 10,
        byProvider: { ctm: { inbound: 7, outbound: 10 }, ringcentral: { inbound: 0, outbound: 0 } },
      });
    }
    expect(reportScopeFor(admin)).toEqual({ scope: 'workspace', userId: null });
  });

  it('lists the 12 months ending at the chosen month, oldest first, empty months as zeros', async () => {
    const report = await buildUsageReport({
      query: { range: 'last12', month: '2026-03' },
      viewer: admin,
      timeZone: TZ,
      source: honestSource().source,
    });
    expect(report.months.map((m) => m.month)).toEqual([
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
    expect(report.months[0].nudges.lead).toBe(100);
    expect(report.months[1].nudges.lead).toBe(9);
    expect(report.months[5]).toEqual({
      month: '2025-09',
      nudges: { lead: 0, task: 0, activity: 0 },
      sms: {
        inbound: 0,
        outbound: 0,
        byProvider: { ctm: { inbound: 0, outbound: 0 }, ringcentral: { inbound: 0, outbound: 0 } },
      },
      whatsapp: { inbound: 0, outbound: 0 },
    });
    const empty = await buildUsageReport({
      query: { range: 'last12', month: '2030-01' },
      viewer: admin,
      timeZone: TZ,
      source: honestSource([]).source,
    });
    expect(empty.months).toHaveLength(12);
    expect(empty.months.every((m) => m.nudges.lead + m.sms.inbound + m.whatsapp.outbound === 0)).toBe(true);
  });

  it('adds a provider column (the sandbox) only when that provider carried SMS', async () => {
    const withSandbox = [
      ...rows,
      {
        month: '2026-03',
        kind: 'sms',
        provider: 'sandbox',
        direction: 'outbound',
        userId: 'rita',
        count: 2,
      } as UsageCounterRow,
    ];
    const report = await buildUsageReport({
      query: { range: 'last12', month: '2026-03' },
      viewer: admin,
      timeZone: TZ,
      source: honestSource(withSandbox).source,
    });
    expect(Object.keys(report.months[0].sms.byProvider)).toEqual(['ctm', 'ringcentral', 'sandbox']);
    expect(report.months[11].sms.byProvider.sandbox).toEqual({ inbound: 0, outbound: 2 });
    expect(report.months[11].sms.outbound).toBe(17);
  });

  it('refuses a bad query or a malformed counter row with a clear error', async () => {
    const source = honestSource().source;
    await expect(
      buildUsageReport({ query: { range: 'month', month: '2026-3' }, viewer: admin, timeZone: TZ, source }),
    ).rejects.toThrow(/YYYY-MM/);
    await expect(
      buildUsageReport({ query: { range: 'year', month: '2026-03' }, viewer: admin, timeZone: TZ, source }),
    ).rejects.toBeInstanceOf(UsageReportQueryError);
    await expect(
      buildUsageReport({ query: { range: 'month', month: '2026-03' }, viewer: admin, timeZone: 'Atlantis', source }),
    ).rejects.toThrow(/IANA/);
    const broken: UsageCounterSource = {
      usageCounters: () => [
        { month: '2026-03', kind: 'sms', direction: 'inbound', userId: null, count: 1 } as UsageCounterRow,
      ],
    };
    await expect(
      buildUsageReport({ query: { range: 'month', month: '2026-03' }, viewer: admin, timeZone: TZ, source: broken }),
    ).rejects.toThrow(/provider/);
  });
});
