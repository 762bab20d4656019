// Issue 7 through the real server: task reminders across a restart on the same database with an
// injected clock, usage counted per month in the workspace's time zone at month ends and DST
// changes, the reports API for an admin and for reps, and POST /api/v1/events.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from '../../server/app';
import { UsageReport } from '../../shared/ipc';
import { api, clientId, connect, signIn } from './support';

const dirs: string[] = [];
const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A clock the test moves by hand. */
function manualClock(iso: string) {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    set: (next: string) => {
      t = Date.parse(next);
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

async function start(dataDir: string, now: () => Date, env: Record<string, string> = {}) {
  const s = await startServer({
    demo: true,
    port: 0,
    dataDir,
    now,
    log: false,
    env: { SANDBOX_AUTO_REPLY: 'off', SANDBOX_SENT_MS: '10', SANDBOX_DELIVERED_MS: '20', ...env },
  });
  running.push(s);
  return s;
}
const newDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'converse-issue7-'));
  dirs.push(d);
  return d;
};
const dbCount = (dataDir: string, sql: string, ...args: unknown[]) => {
  const db = new Database(path.join(dataDir, 'converse.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get(...args) as { n: number }).n;
  } finally {
    db.close();
  }
};
async function leadId(server: { url: string }, token: string, name: string) {
  return (await api(server, 'GET', `/leads?q=${encodeURIComponent(name)}`, token)).body.leads[0].id as string;
}
async function stop(s: RunningServer) {
  running.splice(running.indexOf(s), 1);
  await s.close();
}

describe('task reminders', () => {
  it('a reminder due while the server was down fires exactly once after start, and never again', async () => {
    const dir = newDir();
    const clock = manualClock('2026-05-04T12:00:00Z');
    let server = await start(dir, clock.now);
    const ada = await signIn(server, 'admin@converse.demo');
    const ritaId = (await api(server, 'GET', '/admin/users', ada)).body.users.find(
      (u: any) => u.email === 'rita@converse.demo',
    ).id;
    const maria = await leadId(server, ada, 'Maria Garcia');
    // Due 13:00, reminder 15 min before: fires at 12:45.
    const task = (
      await api(server, 'POST', '/admin/tasks', ada, {
        title: 'Call Maria back',
        leadId: maria,
        ownerId: ritaId,
        dueAt: '2026-05-04T13:00:00Z',
        reminderMinutes: 15,
      })
    ).body;
    // A second task is deleted before it falls due: its reminder is cancelled.
    const dropped = (
      await api(server, 'POST', '/admin/tasks', ada, {
        title: 'Dropped',
        ownerId: ritaId,
        dueAt: '2026-05-04T12:30:00Z',
        reminderMinutes: 0,
      })
    ).body;
    expect((await api(server, 'DELETE', `/admin/tasks/${dropped.id}`, ada)).status).toBe(200);
    expect(await server.internals.runDueReminders()).toBe(0);
    await stop(server);

    const reminders = (taskId: string) =>
      dbCount(
        dir,
        "SELECT COUNT(*) AS n FROM nudges WHERE task_id = ? AND entity_type = 'task' AND title LIKE 'Task due:%'",
        taskId,
      );
    expect(reminders(task.id)).toBe(0);

    // The server was down from 12:00 to 14:00; the 12:45 reminder fires once on start.
    clock.set('2026-05-04T14:00:00Z');
    server = await start(dir, clock.now);
    const rita = await signIn(server, 'rita@converse.demo');
    const stream = await connect(server, rita);
    const nudge = await stream.until(
      () =>
        stream.events.find(
          (e) =>
            e.event.type === 'nudge' && e.event.nudge.taskId === task.id && e.event.nudge.title.startsWith('Task due'),
        ),
      5000,
      'the reminder nudge',
    );
    expect(nudge.event.type === 'nudge' && nudge.event.nudge.entityType).toBe('task');
    expect(nudge.event.type === 'nudge' && nudge.event.nudge.body).toMatch(/Maria Garcia/);
    expect(await server.internals.runDueReminders()).toBe(0);
    stream.close();
    await stop(server);

    // Another restart later: nothing fires twice; the deleted task never fired.
    clock.set('2026-05-04T16:00:00Z');
    server = await start(dir, clock.now);
    expect(await server.internals.runDueReminders()).toBe(0);
    await stop(server);
    expect(reminders(task.id)).toBe(1);
    expect(reminders(dropped.id)).toBe(0);
    expect(
      dbCount(
        dir,
        "SELECT COUNT(*) AS n FROM nudges WHERE task_id = ? AND title LIKE 'Task due:%' AND user_id = ? AND created_at = '2026-05-04T14:00:00.000Z'",
        task.id,
        ritaId,
      ),
    ).toBe(1);
  }, 30_000);

  it('moving a task arms its reminder again; the same time does not', async () => {
    const dir = newDir();
    const clock = manualClock('2026-05-04T12:00:00Z');
    const server = await start(dir, clock.now);
    const ada = await signIn(server, 'admin@converse.demo');
    const samId = (await api(server, 'GET', '/admin/users', ada)).body.users.find(
      (u: any) => u.email === 'sam@converse.demo',
    ).id;
    const task = (
      await api(server, 'POST', '/admin/tasks', ada, {
        title: 'Quote',
        ownerId: samId,
        dueAt: '2026-05-04T12:10:00Z',
        reminderMinutes: 5,
      })
    ).body;
    clock.set('2026-05-04T12:06:00Z');
    expect(await server.internals.runDueReminders()).toBe(1);
    expect((await api(server, 'PATCH', `/admin/tasks/${task.id}`, ada, { title: 'Quote (v2)' })).status).toBe(200);
    expect(await server.internals.runDueReminders()).toBe(0);
    expect((await api(server, 'PATCH', `/admin/tasks/${task.id}`, ada, { dueAt: '2026-05-04T13:00:00Z' })).status).toBe(
      200,
    );
    clock.set('2026-05-04T12:56:00Z');
    expect(await server.internals.runDueReminders()).toBe(1);
    expect((await api(server, 'PATCH', `/admin/tasks/nope`, ada, { title: 'x' })).status).toBe(404);
    expect((await api(server, 'PATCH', `/admin/tasks/${task.id}`, ada, { dueAt: 'soon' })).status).toBe(400);
  }, 30_000);
});

describe('usage counters at month ends and DST changes (America/New_York)', () => {
  it('counts inbound and outbound SMS and nudges in the month of the workspace time zone', async () => {
    const dir = newDir();
    // The demo's seeded conversations fall in December 2025, before the months under test.
    const clock = manualClock('2025-12-20T12:00:00Z');
    const server = await start(dir, clock.now, { CONVERSE_TIME_ZONE: 'America/New_York' });
    const at = async (iso: string, fn: (ada: string) => Promise<void>) => {
      clock.set(iso);
      await fn(await signIn(server, 'admin@converse.demo'));
    };
    const ada0 = await signIn(server, 'admin@converse.demo');
    const maria = await leadId(server, ada0, 'Maria Garcia');
    const inbound = (body: string) => async (ada: string) => {
      expect((await api(server, 'POST', '/sandbox/inbound', ada, { leadId: maria, channel: 'sms', body })).status).toBe(
        200,
      );
    };
    // Feb 28 23:30 EST (already 1 March in UTC) → February; 1 March 00:30 EST → March.
    await at('2026-03-01T04:30:00Z', inbound('feb'));
    await at('2026-03-01T05:30:00Z', inbound('mar'));
    // 31 March 23:30 EDT (1 April UTC) → March; 1 April 00:30 EDT → April.
    await at('2026-04-01T03:30:00Z', inbound('mar 2'));
    await at('2026-04-01T04:30:00Z', inbound('apr'));
    // DST ends 1 Nov at 02:00 EDT: 31 Oct 23:30 EDT → October; 1 Nov 01:30 EDT and 01:30 EST (an hour apart) → November.
    await at('2026-11-01T03:30:00Z', inbound('oct'));
    await at('2026-11-01T05:30:00Z', inbound('nov edt'));
    await at('2026-11-01T06:30:00Z', inbound('nov est'));
    // An outbound SMS by Rita at 31 Oct 23:59 EDT counts in October, under her and the workspace.
    clock.set('2026-11-01T03:59:00Z');
    const rita = await signIn(server, 'rita@converse.demo');
    const c = await connect(server, rita);
    const id = clientId();
    c.send({ type: 'send', send: { clientId: id, leadId: maria, channel: 'sms', to: null, body: 'Halloween hello' } });
    await c.until(() => c.frames.find((f) => f.type === 'send.accepted' && f.clientId === id), 5000, 'send accepted');
    await c.until(
      () =>
        c.events.find(
          (e) =>
            e.event.type === 'message.upserted' &&
            e.event.message.clientId === id &&
            e.event.message.status !== 'pending',
        ),
      5000,
      'provider accepted',
    );
    c.close();

    clock.set('2026-11-02T12:00:00Z');
    const ada = await signIn(server, 'admin@converse.demo');
    const res = await api<UsageReport>(server, 'GET', '/reports/usage?range=last12&month=2026-11', ada);
    expect(res.status).toBe(200);
    const report = UsageReport.parse(res.body);
    expect(report).toMatchObject({ scope: 'workspace', timeZone: 'America/New_York' });
    const month = (m: string) => report.months.find((x) => x.month === m)!;
    expect(report.months.map((m) => m.month)).toEqual([
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
    expect(
      [month('2026-02'), month('2026-03'), month('2026-04'), month('2026-10'), month('2026-11')].map(
        (m) => m.sms.inbound,
      ),
    ).toEqual([1, 2, 1, 1, 2]);
    expect(month('2026-10').sms).toEqual({
      inbound: 1,
      outbound: 1,
      byProvider: {
        ctm: { inbound: 0, outbound: 0 },
        ringcentral: { inbound: 0, outbound: 0 },
        sandbox: { inbound: 1, outbound: 1 },
      },
    });
    expect(month('2026-06').sms).toEqual({
      inbound: 0,
      outbound: 0,
      byProvider: {
        ctm: { inbound: 0, outbound: 0 },
        ringcentral: { inbound: 0, outbound: 0 },
        sandbox: { inbound: 0, outbound: 0 },
      },
    });
    // Each inbound nudged Rita (Maria's owner) about the lead, in the same month as the message.
    expect(
      [month('2026-02'), month('2026-03'), month('2026-04'), month('2026-10'), month('2026-11')].map(
        (m) => m.nudges.lead,
      ),
    ).toEqual([1, 2, 1, 1, 2]);
    // The figures are the database's, bucketed the same way.
    expect(
      dbCount(
        dir,
        "SELECT COUNT(*) AS n FROM messages WHERE direction = 'inbound' AND created_at >= '2026-03-01T05:00:00.000Z' AND created_at < '2026-04-01T04:00:00.000Z'",
      ),
    ).toBe(2);

    // Rita sees her own figures: inbound for the lead she owns, her send, her nudges.
    const mine = UsageReport.parse(
      (await api(server, 'GET', '/reports/usage?range=month&month=2026-10', await signIn(server, 'rita@converse.demo')))
        .body,
    );
    expect(mine.scope).toBe('user');
    expect(mine.months[0]).toMatchObject({
      month: '2026-10',
      sms: { inbound: 1, outbound: 1 },
      nudges: { lead: 1, task: 0, activity: 0 },
    });
  }, 30_000);
});

describe('reports API', () => {
  it('shows admins the workspace and sales users their own figures; rejects bad queries', async () => {
    const dir = newDir();
    // Mid-month, so the seeded conversations (up to 3 days old) are in the same month.
    const server = await start(dir, () => new Date('2026-06-15T12:00:00Z'));
    const ada = await signIn(server, 'admin@converse.demo');
    const rita = await signIn(server, 'rita@converse.demo');
    const sam = await signIn(server, 'sam@converse.demo');
    const maria = await leadId(server, ada, 'Maria Garcia');
    const ritaId = (await api(server, 'GET', '/me', rita)).body.id;
    await api(server, 'POST', '/sandbox/inbound', ada, { leadId: maria, channel: 'sms', body: 'one' });
    await api(server, 'POST', '/sandbox/inbound', ada, { leadId: maria, channel: 'whatsapp', body: 'two' });
    // A lead Rita does not own (assigned to Sam by the admin): Sam is nudged and owns its inbound.
    const kai = (
      await api(server, 'POST', '/admin/leads', ada, {
        firstName: 'Kai',
        lastName: 'Lindqvist',
        phones: [{ number: '+1 415 555 0166' }],
      })
    ).body;
    const samId = (await api(server, 'GET', '/me', sam)).body.id;
    expect((await api(server, 'PATCH', `/admin/leads/${kai.id}`, ada, { ownerId: samId })).status).toBe(200);
    await api(server, 'POST', '/sandbox/inbound', ada, { leadId: kai.id, channel: 'sms', body: 'three' });
    // An unknown number becomes a lead assigned round-robin (Ada, the only admin), who is nudged.
    await server.internals.sandbox.sms!.inbound('+14155550177', 'who is this?');
    const adaId = (await api(server, 'GET', '/me', ada)).body.id;
    expect(
      dbCount(
        dir,
        "SELECT COUNT(*) AS n FROM nudges WHERE user_id = ? AND kind = 'assignment' AND entity_type = 'lead' AND created_at = '2026-06-15T12:00:00.000Z' AND month = '2026-06'",
        adaId,
      ),
    ).toBe(1);
    // Sam's nudges for Kai: the admin's assignment and the message, both about the lead.
    expect(
      (await api(server, 'GET', '/nudges', sam)).body.nudges
        .filter((n: any) => n.leadId === kai.id)
        .map((n: any) => [n.kind, n.entityType])
        .sort(),
    ).toEqual([
      ['assignment', 'lead'],
      ['message', 'lead'],
    ]);

    const month = '2026-06'; // the demo workspace is in UTC
    const get = async (token: string | null, q = `range=month&month=${month}`) =>
      api(server, 'GET', `/reports/usage?${q}`, token);
    const whole = UsageReport.parse((await get(ada)).body);
    const ritas = UsageReport.parse((await get(rita)).body);
    const sams = UsageReport.parse((await get(sam)).body);
    expect(whole.scope).toBe('workspace');
    expect(ritas.scope).toBe('user');
    const count = (sql: string, ...args: unknown[]) => dbCount(dir, sql, ...args);
    expect(whole.months[0].sms.inbound).toBe(
      count("SELECT COUNT(*) AS n FROM messages WHERE channel = 'sms' AND direction = 'inbound'"),
    );
    expect(whole.months[0].whatsapp.inbound).toBe(
      count("SELECT COUNT(*) AS n FROM messages WHERE channel = 'whatsapp' AND direction = 'inbound'"),
    );
    expect(whole.months[0].nudges.lead).toBe(count("SELECT COUNT(*) AS n FROM nudges WHERE entity_type = 'lead'"));
    const owned = (channel: string, userId: string) =>
      count(
        "SELECT COUNT(*) AS n FROM messages m JOIN leads l ON l.id = m.lead_id WHERE m.channel = ? AND m.direction = 'inbound' AND l.owner_id = ?",
        channel,
        userId,
      );
    const sent = (channel: string, userId: string) =>
      count(
        "SELECT COUNT(*) AS n FROM messages WHERE channel = ? AND direction = 'outbound' AND author_user_id = ?",
        channel,
        userId,
      );
    expect(ritas.months[0].sms.inbound).toBe(owned('sms', ritaId));
    expect(ritas.months[0].whatsapp.inbound).toBe(owned('whatsapp', ritaId));
    expect(ritas.months[0].sms.outbound).toBe(sent('sms', ritaId));
    expect(ritas.months[0].sms.inbound).toBeLessThan(whole.months[0].sms.inbound);
    expect(ritas.months[0].nudges.lead).toBe(
      count("SELECT COUNT(*) AS n FROM nudges WHERE entity_type = 'lead' AND user_id = ?", ritaId),
    );
    expect(sams.months[0].sms.inbound).toBe(owned('sms', samId));
    expect(sams.months[0].sms.outbound).toBe(sent('sms', samId));
    expect(sams.months[0].nudges.lead).toBe(
      count("SELECT COUNT(*) AS n FROM nudges WHERE entity_type = 'lead' AND user_id = ?", samId),
    );
    expect(sams.months[0].nudges.lead).toBeGreaterThanOrEqual(2); // assignment + message
    expect(Object.keys(sams.months[0].sms.byProvider)).toEqual(expect.arrayContaining(['ctm', 'ringcentral']));
    // Last 12 months: twelve months, zeros where nothing happened.
    const year = UsageReport.parse((await get(rita, `range=last12&month=${month}`)).body);
    expect(year.months).toHaveLength(12);
    expect(year.months[0]).toMatchObject({
      sms: { inbound: 0, outbound: 0 },
      nudges: { lead: 0, task: 0, activity: 0 },
    });
    // Bad queries and no token.
    expect((await get(ada, 'range=month&month=2026-13')).body.error.code).toBe('invalid_request');
    expect((await get(ada, 'range=week&month=2026-01')).status).toBe(400);
    expect((await get(null)).status).toBe(401);
  }, 30_000);
});

describe('POST /api/v1/events', () => {
  const post = async (server: { url: string }, key: string | null, body: unknown) => {
    const res = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('makes a key on first start (stored hashed), refuses bad keys and bodies, and nudges for lead, task and activity events once', async () => {
    const dir = newDir();
    const clock = manualClock('2026-06-10T09:00:00Z');
    const server = await start(dir, clock.now);
    const key = server.createdApiKey!;
    expect(key).toMatch(/^cvk_/);
    expect(dbCount(dir, 'SELECT COUNT(*) AS n FROM api_keys WHERE key_hash = ?', key)).toBe(0); // never the key itself
    expect(dbCount(dir, 'SELECT COUNT(*) AS n FROM api_keys')).toBe(1);

    expect((await post(server, null, { type: 'lead' })).status).toBe(401);
    expect((await post(server, `${key}x`, { type: 'lead' })).status).toBe(401);
    const bad = await post(server, key, {
      type: 'task',
      eventId: 'e0',
      action: 'created',
      task: { id: 'T-1', title: 'x', owner: { email: 'rita@converse.demo' }, dueAt: 'tomorrow' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect(bad.body.error.message).toMatch(/dueAt/);
    expect((await post(server, key, '{not json')).status).toBe(400);

    const rita = await signIn(server, 'rita@converse.demo');
    const stream = await connect(server, rita);
    const nudges = () => stream.events.flatMap((e) => (e.event.type === 'nudge' ? [e.event.nudge] : []));
    const lead = {
      type: 'lead',
      eventId: 'crm-1',
      action: 'created',
      lead: {
        id: 'L-900',
        firstName: 'Noor',
        lastName: 'Haddad',
        phones: [{ number: '+1 415 555 0199' }],
        owner: { email: 'rita@converse.demo' },
      },
    };
    expect(await post(server, key, lead)).toEqual({ status: 202, body: { accepted: 1 } });
    expect((await post(server, key, lead)).status).toBe(202); // resent: handled once
    const assigned = await stream.until(
      () => nudges().find((n) => n.kind === 'assignment' && n.body.includes('Noor')),
      5000,
      'assignment nudge',
    );
    expect(assigned.entityType).toBe('lead');

    const batch = {
      events: [
        {
          type: 'task',
          eventId: 'crm-2',
          action: 'created',
          task: {
            id: 'T-77',
            title: 'Call Noor back',
            leadId: 'L-900',
            owner: { email: 'rita@converse.demo' },
            dueAt: '2026-06-10T10:00:00Z',
            reminderMinutes: 30,
          },
        },
        {
          type: 'activity',
          eventId: 'crm-3',
          activity: {
            id: 'A-1',
            leadId: 'L-900',
            activityType: 'Email Opened',
            summary: 'Opened "Pricing" (call +1 415 555 0199)',
            at: '2026-06-10T08:59:00Z',
          },
        },
      ],
    };
    expect(await post(server, key, batch)).toEqual({ status: 202, body: { accepted: 2 } });
    expect((await post(server, key, batch)).status).toBe(202);
    const activity = await stream.until(() => nudges().find((n) => n.kind === 'activity'), 5000, 'activity nudge');
    expect(activity).toMatchObject({ entityType: 'activity', title: 'Email Opened: Noor Haddad' });
    expect(activity.body).not.toMatch(/555/);
    const leadId = activity.leadId!;
    const details = (await api(server, 'GET', `/leads/${leadId}`, rita)).body;
    expect(details.activity.map((a: any) => a.summary)).toContain('Email Opened: Opened "Pricing" (call •••)');

    // The task's reminder (10:00 − 30 min) fires at 09:30.
    clock.set('2026-06-10T09:31:00Z');
    expect(await server.internals.runDueReminders()).toBe(1);
    const reminder = await stream.until(
      () => nudges().find((n) => n.kind === 'task' && n.title.startsWith('Task due')),
      5000,
      'reminder nudge',
    );
    expect(reminder).toMatchObject({ entityType: 'task', leadId, title: 'Task due: Call Noor back' });
    // Moved by the CRM: armed again; deleted: cancelled.
    await post(server, key, {
      type: 'task',
      eventId: 'crm-4',
      action: 'updated',
      task: {
        id: 'T-77',
        title: 'Call Noor back',
        leadId: 'L-900',
        owner: { email: 'rita@converse.demo' },
        dueAt: '2026-06-11T10:00:00Z',
        reminderMinutes: 30,
      },
    });
    await post(server, key, { type: 'task', eventId: 'crm-5', action: 'deleted', task: { id: 'T-77' } });
    clock.set('2026-06-12T00:00:00Z');
    expect(await server.internals.runDueReminders()).toBe(0);

    // Reassigned by the CRM to Sam: Sam is nudged; unknown owner refused with 422.
    const sam = await signIn(server, 'sam@converse.demo');
    await post(server, key, {
      type: 'lead',
      eventId: 'crm-6',
      action: 'assigned',
      lead: { id: 'L-900', firstName: 'Noor', owner: { email: 'sam@converse.demo' } },
    });
    expect(
      (await api(server, 'GET', '/nudges', sam)).body.nudges.some(
        (n: any) => n.kind === 'assignment' && n.leadId === leadId && n.entityType === 'lead',
      ),
    ).toBe(true);
    const refused = await post(server, key, {
      type: 'lead',
      eventId: 'crm-7',
      action: 'assigned',
      lead: { id: 'L-900', firstName: 'Noor', owner: { email: 'nobody@converse.demo' } },
    });
    expect(refused.status).toBe(422);
    stream.close();

    // Exactly one of each nudge in the database, with entity, user and time.
    const count = (sql: string) => dbCount(dir, sql);
    expect(count("SELECT COUNT(*) AS n FROM nudges WHERE kind = 'activity' AND entity_type = 'activity'")).toBe(1);
    expect(
      count(
        "SELECT COUNT(*) AS n FROM nudges WHERE kind = 'task' AND title LIKE 'Task due:%' AND entity_type = 'task'",
      ),
    ).toBe(1);
    expect(
      count(
        "SELECT COUNT(*) AS n FROM nudges WHERE kind = 'assignment' AND body LIKE '%Noor%' AND created_at IS NOT NULL AND user_id != ''",
      ),
    ).toBe(2);
    expect(count('SELECT COUNT(*) AS n FROM crm_events')).toBe(6);
  }, 30_000);

  it('accepts the key from CONVERSE_EVENTS_API_KEY and makes none of its own', async () => {
    const dir = newDir();
    const envKey = 'test-events-key-0123456789abcdef';
    const server = await start(dir, () => new Date(), { CONVERSE_EVENTS_API_KEY: envKey });
    expect(server.createdApiKey).toBeNull();
    const res = await post(server, envKey, {
      type: 'activity',
      eventId: 'x1',
      activity: { id: 'A', leadId: 'nope', activityType: 'Call', at: new Date().toISOString() },
    });
    expect(res.status).toBe(422); // authenticated; the lead is unknown
    await expect(
      startServer({ dataDir: newDir(), port: 0, env: { CONVERSE_EVENTS_API_KEY: 'short' } }),
    ).rejects.toThrow(/at least 24/);
  }, 30_000);
});
