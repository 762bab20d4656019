import { describe, expect, it } from 'vitest';
import { usageSourceFromStore, type StoreUsageReads } from '../../server/reports/store-usage-source';
import { buildUsageReport } from '../../server/reports/usage-report';

/** Mirrors server/storage's semantics: usage rows with user_id '' are the workspace totals. */
function fakeStore(): StoreUsageReads & { asked: Array<[string[], string | null]> } {
  const nudges = [
    { month: '2026-03', userId: 'rita', entityType: 'lead' as const },
    { month: '2026-03', userId: 'rita', entityType: 'task' as const },
    { month: '2026-03', userId: 'sam', entityType: 'lead' as const },
  ];
  const usage = [
    {
      month: '2026-03',
      userId: '',
      provider: 'ctm',
      channel: 'sms' as const,
      direction: 'outbound' as const,
      count: 3,
    },
    {
      month: '2026-03',
      userId: 'rita',
      provider: 'ctm',
      channel: 'sms' as const,
      direction: 'outbound' as const,
      count: 2,
    },
    {
      month: '2026-03',
      userId: 'sam',
      provider: 'ctm',
      channel: 'sms' as const,
      direction: 'outbound' as const,
      count: 1,
    },
    {
      month: '2026-03',
      userId: '',
      provider: 'whatsapp',
      channel: 'whatsapp' as const,
      direction: 'inbound' as const,
      count: 4,
    },
  ];
  const asked: Array<[string[], string | null]> = [];
  return {
    asked,
    async countNudges(months, userId) {
      asked.push([months, userId]);
      const out = new Map<string, { month: string; entityType: 'lead' | 'task' | 'activity'; count: number }>();
      for (const n of nudges) {
        if (!months.includes(n.month) || (userId !== null && n.userId !== userId)) continue;
        const k = `${n.month}/${n.entityType}`;
        out.set(k, { month: n.month, entityType: n.entityType, count: (out.get(k)?.count ?? 0) + 1 });
      }
      return [...out.values()];
    },
    async usage(months, userId) {
      return usage.filter((u) => months.includes(u.month) && u.userId === (userId ?? ''));
    },
  };
}

describe('usage source over the server store', () => {
  it('gives an admin the workspace totals and a rep their own rows, through the report builder', async () => {
    const store = fakeStore();
    const source = usageSourceFromStore(store);
    const admin = await buildUsageReport({
      query: { range: 'month', month: '2026-03' },
      viewer: { id: 'ada', role: 'admin' },
      timeZone: 'UTC',
      source,
    });
    expect(admin.months[0]).toEqual({
      month: '2026-03',
      nudges: { lead: 2, task: 1, activity: 0 },
      sms: {
        inbound: 0,
        outbound: 3,
        byProvider: { ctm: { inbound: 0, outbound: 3 }, ringcentral: { inbound: 0, outbound: 0 } },
      },
      whatsapp: { inbound: 4, outbound: 0 },
    });
    const rita = await buildUsageReport({
      query: { range: 'last12', month: '2026-03' },
      viewer: { id: 'rita', role: 'sales' },
      timeZone: 'UTC',
      source,
    });
    expect(rita.months).toHaveLength(12);
    expect(rita.months[11].nudges).toEqual({ lead: 1, task: 1, activity: 0 });
    expect(rita.months[11].sms.outbound).toBe(2);
    expect(rita.months[11].whatsapp.inbound).toBe(0);
    expect(store.asked.map(([, u]) => u)).toEqual([null, 'rita']);
  });
});
