import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, SqliteUsageCounters } from '../../server/reports/usage-counters-sqlite';
import { buildUsageReport } from '../../server/reports/usage-report';

const NY = 'America/New_York';
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function openCounters(file = ':memory:') {
  const db = new Database(file);
  migrate(db);
  return { db, counters: new SqliteUsageCounters(db) };
}

describe('usage counters in SQLite', () => {
  it('buckets SMS at the New York month end and DST changes into the right months', () => {
    const { counters } = openCounters();
    const sms = (iso: string) => counters.increment({ kind: 'sms', provider: 'ctm', direction: 'outbound', userId: 'rita', at: new Date(iso), timeZone: NY });
    expect(sms('2026-03-08T06:59:59Z').month).toBe('2026-03'); // just before spring-forward
    sms('2026-03-08T07:00:00Z'); // just after
    sms('2026-04-01T03:30:00Z'); // 23:30 EDT 31 March
    expect(sms('2026-04-01T04:00:00Z').month).toBe('2026-04');
    expect(sms('2026-11-01T03:59:59Z').month).toBe('2026-10'); // 23:59:59 EDT 31 Oct
    sms('2026-11-01T05:30:00Z'); // 01:30 EDT
    sms('2026-11-01T06:30:00Z'); // 01:30 EST, after fall-back

    const rows = counters.usageCounters({ months: ['2026-03', '2026-04', '2026-10', '2026-11'], userId: null });
    const byMonth = Object.fromEntries(rows.map((r) => [r.month, r.count]));
    expect(byMonth).toEqual({ '2026-03': 3, '2026-04': 1, '2026-10': 1, '2026-11': 2 });
    expect(rows[0]).toMatchObject({ kind: 'sms', provider: 'ctm', direction: 'outbound', userId: 'rita' });
    expect(rows[0].entity).toBeUndefined();
  });

  it('counts in Asia/Kolkata at the half-hour month boundary', () => {
    const { counters } = openCounters();
    counters.increment({ kind: 'nudge', entity: 'task', userId: 'sam', at: new Date('2026-01-31T18:29:59Z'), timeZone: 'Asia/Kolkata' });
    counters.increment({ kind: 'nudge', entity: 'task', userId: 'sam', at: new Date('2026-01-31T18:30:00Z'), timeZone: 'Asia/Kolkata' });
    const rows = counters.usageCounters({ months: ['2026-01', '2026-02'], userId: 'sam' });
    expect(rows.map((r) => [r.month, r.count]).sort()).toEqual([['2026-01', 1], ['2026-02', 1]]);
  });

  it('keeps separate counters per kind, entity, provider, direction and user, and reads one user alone', () => {
    const { counters } = openCounters();
    const at = new Date('2026-05-10T12:00:00Z');
    counters.increment({ kind: 'whatsapp', direction: 'inbound', userId: 'rita', at, timeZone: NY });
    counters.increment({ kind: 'whatsapp', direction: 'inbound', userId: 'rita', at, timeZone: NY, by: 2 });
    counters.increment({ kind: 'whatsapp', direction: 'outbound', userId: 'rita', at, timeZone: NY });
    counters.increment({ kind: 'sms', provider: 'ringcentral', direction: 'inbound', userId: 'sam', at, timeZone: NY });
    counters.increment({ kind: 'sms', provider: 'ringcentral', direction: 'inbound', userId: null, at, timeZone: NY });
    expect(counters.usageCounters({ months: ['2026-05'], userId: 'rita' })).toHaveLength(2);
    expect(counters.usageCounters({ months: ['2026-05'], userId: 'rita' }).find((r) => r.direction === 'inbound')?.count).toBe(3);
    const all = counters.usageCounters({ months: ['2026-05'], userId: null });
    expect(all).toHaveLength(4);
    expect(all.find((r) => r.userId === null)).toMatchObject({ kind: 'sms', provider: 'ringcentral', count: 1 });
    expect(counters.usageCounters({ months: [], userId: null })).toEqual([]);
  });

  it('refuses incomplete or impossible increments with a clear error and counts nothing', () => {
    const { counters } = openCounters();
    const at = new Date('2026-05-10T12:00:00Z');
    expect(() => counters.increment({ kind: 'sms', direction: 'inbound', userId: 'rita', at, timeZone: NY } as never)).toThrow(/provider/);
    expect(() => counters.increment({ kind: 'nudge', entity: 'lead', userId: 'rita', at, timeZone: 'Nowhere/City' })).toThrow(/IANA/);
    expect(() => counters.increment({ kind: 'nudge', entity: 'lead', userId: 'rita', at: new Date('x'), timeZone: NY })).toThrow(/valid date/);
    expect(counters.usageCounters({ months: ['2026-05'], userId: null })).toEqual([]);
  });

  it('survives a reopen of the database file and feeds the report builder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usage-counters-'));
    dirs.push(dir);
    const file = join(dir, 'server.db');
    const first = openCounters(file);
    first.counters.increment({ kind: 'nudge', entity: 'lead', userId: 'rita', at: new Date('2026-03-15T12:00:00Z'), timeZone: NY });
    first.db.close();
    const second = openCounters(file); // migrate again: idempotent
    second.counters.increment({ kind: 'nudge', entity: 'lead', userId: 'rita', at: new Date('2026-03-16T12:00:00Z'), timeZone: NY });
    const report = await buildUsageReport({
      query: { range: 'month', month: '2026-03' }, viewer: { id: 'rita', role: 'sales' }, timeZone: NY, source: second.counters,
    });
    expect(report.months[0].nudges).toEqual({ lead: 2, task: 0, activity: 0 });
    second.db.close();
  });
});
