import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import Database from 'better-sqlite3';
import { UsageReport } from '../../shared/ipc';
import { ApiError } from '../../shared/domain';
import { migrate, SqliteUsageCounters } from '../../server/reports/usage-counters-sqlite';
import { registerUsageReportRoute } from '../../server/reports/usage-route';
import type { ReportViewer } from '../../server/reports/usage-report';

const TZ = 'America/New_York';
let app: FastifyInstance | null = null;
let db: Database.Database | null = null;
afterEach(async () => { await app?.close(); db?.close(); app = null; db = null; });

const tokens: Record<string, ReportViewer> = { 'tok-ada': { id: 'ada', role: 'admin' }, 'tok-rita': { id: 'rita', role: 'sales' } };

async function build() {
  db = new Database(':memory:');
  migrate(db);
  const counters = new SqliteUsageCounters(db);
  // 23:30 EDT on 31 March 2026 is April in UTC; it must count for March.
  const lateMarch = new Date('2026-04-01T03:30:00Z');
  counters.increment({ kind: 'sms', provider: 'ctm', direction: 'outbound', userId: 'rita', at: lateMarch, timeZone: TZ });
  counters.increment({ kind: 'sms', provider: 'ringcentral', direction: 'outbound', userId: 'sam', at: lateMarch, timeZone: TZ });
  counters.increment({ kind: 'nudge', entity: 'task', userId: 'rita', at: new Date('2025-06-10T12:00:00Z'), timeZone: TZ });
  app = Fastify({ logger: false });
  await registerUsageReportRoute(app, {
    viewerOf: (req) => tokens[(req.headers.authorization ?? '').replace(/^Bearer /, '')] ?? null,
    timeZone: () => TZ,
    source: counters,
  });
  await app.ready();
}

const get = (url: string, token: string | null) => app!.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /api/v1/reports/usage', () => {
  it('gives an admin the workspace and a sales rep their own figures', async () => {
    await build();
    const adminRes = await get('/api/v1/reports/usage?range=month&month=2026-03', 'tok-ada');
    expect(adminRes.statusCode).toBe(200);
    const admin = UsageReport.parse(adminRes.json());
    expect(admin.scope).toBe('workspace');
    expect(admin.months[0].sms.byProvider).toEqual({ ctm: { inbound: 0, outbound: 1 }, ringcentral: { inbound: 0, outbound: 1 } });
    const rita = UsageReport.parse((await get('/api/v1/reports/usage?range=month&month=2026-03', 'tok-rita')).json());
    expect(rita.scope).toBe('user');
    expect(rita.months[0].sms.outbound).toBe(1);
    expect(rita.months[0].sms.byProvider.ringcentral.outbound).toBe(0);
  });

  it('returns the 12 months ending at the month, zeros where nothing happened', async () => {
    await build();
    const report = UsageReport.parse((await get('/api/v1/reports/usage?range=last12&month=2026-03', 'tok-rita')).json());
    expect(report.months.map((m) => m.month)[0]).toBe('2025-04');
    expect(report.months.find((m) => m.month === '2025-06')?.nudges.task).toBe(1);
    expect(report.months.find((m) => m.month === '2025-07')?.nudges).toEqual({ lead: 0, task: 0, activity: 0 });
  });

  it('refuses an anonymous caller with 401 and a bad query with 400 saying why', async () => {
    await build();
    const anon = await get('/api/v1/reports/usage?range=month&month=2026-03', null);
    expect(anon.statusCode).toBe(401);
    expect(ApiError.parse(anon.json()).error.code).toBe('unauthorized');
    for (const [qs, why] of [['range=month&month=2026-13', /YYYY-MM/], ['range=year&month=2026-03', /range must be/], ['', /range/]] as const) {
      const res = await get(`/api/v1/reports/usage?${qs}`, 'tok-ada');
      expect(res.statusCode).toBe(400);
      expect(ApiError.parse(res.json()).error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(why) });
    }
  });
});
