// Activity History holds the conversation (issue 13): every conversation started and each of its
// messages (in and out, channel, number, status) next to the lead's activities, newest first,
// paged, the same for every device; and Carter settings kept per rep and pushed to every device.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/storage/sqlite';
import { MIGRATIONS } from '../../server/storage/migrations';
import { api, clientId, connect, signIn, startTestServer, type StreamClient, type TestServer } from './support';
import { DEFAULT_NUDGE_SETTINGS, type ActivityView } from '../../shared/domain';

let server: TestServer;
let rita: string;
let sam: string;
let c: StreamClient;
let mariaId: string;

beforeAll(async () => {
  server = await startTestServer();
  rita = await signIn(server, 'rita@converse.demo');
  sam = await signIn(server, 'sam@converse.demo');
  mariaId = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0].id;
  c = await connect(server, rita, 0, 'activity-tests');
});
afterAll(async () => {
  c?.close();
  await server?.stop();
});

async function history(token: string, leadId: string, query = '') {
  const r = await api<{ activity: ActivityView[]; before: string | null }>(
    server,
    'GET',
    `/leads/${leadId}/activity${query}`,
    token,
  );
  expect(r.status).toBe(200);
  return r.body;
}

async function allPages(token: string, leadId: string, limit: number) {
  const out: ActivityView[] = [];
  let before: string | null = null;
  do {
    const page = await history(
      token,
      leadId,
      `?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    );
    out.push(...page.activity);
    before = page.before;
  } while (before);
  return out;
}

describe('Activity History', () => {
  it('lists the seeded conversations and their messages, newest first, with channel, direction, number and status', async () => {
    const all = await allPages(rita, mariaId, 100);
    const times = all.map((a) => Date.parse(a.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const starts = all.filter((a) => a.type === 'conversation.started');
    expect(starts.map((s) => s.channel).sort()).toEqual(['sms', 'whatsapp']);
    // One start per conversation: the seeded "conversation started" rows are not listed twice.
    expect(starts).toHaveLength(2);
    const reply = all.find((a) => a.summary === 'Hi Rita, thanks for reaching out.')!;
    expect(reply).toMatchObject({ type: 'message.inbound', channel: 'sms', direction: 'inbound', status: 'received' });
    expect(reply.phone).toMatch(/\d{3}.*\d{4}$/);
    // Each conversation's start sits below its first message (older or same instant).
    const smsStart = all.findIndex((a) => a.id === `start:${mariaId}:sms`);
    const smsFirst = all.findIndex((a) => a.summary === 'Hi Maria, this is Rita from Converse.');
    expect(smsFirst).toBeGreaterThanOrEqual(0);
    expect(smsStart).toBeGreaterThan(smsFirst);
    expect(all.at(-1)?.type).not.toBe('message.outbound');
  });

  it('pages without gaps or repeats, whatever the page size', async () => {
    const whole = (await allPages(rita, mariaId, 100)).map((a) => a.id);
    expect(new Set(whole).size).toBe(whole.length);
    expect((await allPages(rita, mariaId, 2)).map((a) => a.id)).toEqual(whole);
    expect((await allPages(rita, mariaId, 3)).map((a) => a.id)).toEqual(whole);
  });

  it('puts a message sent a moment ago at the top, and its status follows the provider', async () => {
    const id = clientId();
    c.send({
      type: 'send',
      send: { clientId: id, leadId: mariaId, channel: 'sms', to: null, body: 'Activity check: sent just now' },
    });
    const accepted = (await c.until(
      () => c.frames.find((f) => f.type === 'send.accepted' && f.clientId === id),
      5000,
      'accepted',
    )) as { messageId: string };
    const top = (await history(rita, mariaId, '?limit=1')).activity[0];
    expect(top).toMatchObject({
      type: 'message.outbound',
      summary: 'Activity check: sent just now',
      channel: 'sms',
      direction: 'outbound',
      messageId: accepted.messageId,
    });
    await c.until(
      () =>
        c.events.some(
          (e) =>
            e.event.type === 'message.upserted' &&
            e.event.message.id === accepted.messageId &&
            e.event.message.status === 'delivered',
        ),
      5000,
      'delivered',
    );
    expect((await history(rita, mariaId, '?limit=1')).activity[0].status).toBe('delivered');
    // The lead's details (what GET /leads/:id hands any client) begin with the same page.
    const details = await api(server, 'GET', `/leads/${mariaId}`, rita);
    expect(details.body.activity[0].messageId).toBe(accepted.messageId);
  });

  it('masks the number for a rep whose template masks phones, and refuses leads they cannot see', async () => {
    const samLead = (await api(server, 'GET', '/leads?limit=100', sam)).body.leads.find(
      (l: { phones: unknown[] }) => l.phones.length > 0,
    );
    const inbound = await api(server, 'POST', '/sandbox/inbound', sam, {
      leadId: samLead.id,
      channel: 'sms',
      body: 'Hello from the lead',
    });
    expect(inbound.status).toBe(200);
    const top = (await history(sam, samLead.id, '?limit=5')).activity.find((a) => a.summary === 'Hello from the lead')!;
    expect(top.phone).toContain('•');
    expect((await api(server, 'GET', `/leads/${mariaId}/activity`, sam)).status).toBe(404);
  });

  it('answers a cursor it never gave with a clear 400', async () => {
    const r = await api(server, 'GET', `/leads/${mariaId}/activity?before=yesterday`, rita);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/cursor/);
  });
});

describe('Carter settings', () => {
  it('are the defaults until saved, then kept per rep and sent to every device of that rep', async () => {
    expect((await api(server, 'GET', '/me/nudge-settings', rita)).body).toEqual(DEFAULT_NUDGE_SETTINGS);
    const mine = {
      ...DEFAULT_NUDGE_SETTINGS,
      kinds: { ...DEFAULT_NUDGE_SETTINGS.kinds, task: false },
      sound: false,
      quietHours: { enabled: true, from: '22:00', to: '07:30' },
    };
    const saved = await api(server, 'PUT', '/me/nudge-settings', rita, mine);
    expect(saved.status).toBe(200);
    expect((await api(server, 'GET', '/me/nudge-settings', rita)).body).toEqual(mine);
    expect((await api(server, 'GET', '/me/nudge-settings', sam)).body).toEqual(DEFAULT_NUDGE_SETTINGS);
    // The open device hears it live; a device signing in later replays it from the log.
    await c.until(() => c.events.some((e) => e.event.type === 'nudge-settings.changed'), 5000, 'live settings event');
    const later = await connect(server, rita, 0, 'second-device');
    try {
      const ev = await later.until(
        () => later.events.find((e) => e.event.type === 'nudge-settings.changed'),
        5000,
        'replayed settings event',
      );
      expect(ev.event).toEqual({ type: 'nudge-settings.changed', settings: mine });
    } finally {
      later.close();
    }
  });

  it('refuses settings that do not parse, naming the field, and keeps what was saved', async () => {
    const before = (await api(server, 'GET', '/me/nudge-settings', rita)).body;
    const bad = await api(server, 'PUT', '/me/nudge-settings', rita, {
      ...before,
      quietHours: { enabled: true, from: '25:00', to: '07:00' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/quietHours/);
    expect((await api(server, 'GET', '/me/nudge-settings', rita)).body).toEqual(before);
  });
});

describe('the Activity History and Carter settings migration', () => {
  it('upgrades a database of the previous schema: the time index on messages and the rep settings table', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'converse-activity-mig-'));
    try {
      const file = path.join(dir, 'c.db');
      const mine = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE rep_settings'));
      expect(mine).toBeGreaterThan(0);
      openDatabase(file, MIGRATIONS.slice(0, mine)).close();
      const db = openDatabase(file, MIGRATIONS.slice(0, mine + 1));
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(mine + 1);
        const names = (
          db
            .prepare("SELECT name FROM sqlite_master WHERE name IN ('rep_settings', 'messages_conversation_time')")
            .all() as { name: string }[]
        )
          .map((r) => r.name)
          .sort();
        expect(names).toEqual(['messages_conversation_time', 'rep_settings']);
        // The history's message query reads that index rather than sorting the conversation.
        const plan = (
          db
            .prepare(
              "EXPLAIN QUERY PLAN SELECT id FROM messages WHERE conversation_id = 'a' AND created_at <= 'z' AND (created_at, 'c', id) < ('z', 'z', 'z') ORDER BY created_at DESC, id DESC LIMIT 30",
            )
            .all() as { detail: string }[]
        )
          .map((r) => r.detail)
          .join(' | ');
        expect(plan).toContain('messages_conversation_time');
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
