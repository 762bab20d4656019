// Leased work on the embedded store, where the store-conformance suites cannot reach: two
// processes sweeping one database file, two connections firing one reminder, and rows written
// before leases existed (a NULL lease counts as expired).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../shared/stream-protocol';
import { MIGRATIONS } from '../../server/storage/migrations';
import { openDatabase, SqliteStore } from '../../server/storage/sqlite';
import type { NudgeRecord } from '../../server/storage/store';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BASE_MS = Date.parse('2030-03-04T05:06:07.000Z');
/** The test's clock: an ISO time `seconds` after a fixed instant. */
const at = (seconds = 0) => new Date(BASE_MS + seconds * 1000).toISOString();

const dirs: string[] = [];
const stores: SqliteStore[] = [];
function tempDir() {
  const d = mkdtempSync(path.join(tmpdir(), 'converse-leases-'));
  dirs.push(d);
  return d;
}
const dbFile = () => path.join(tempDir(), 'converse.db');
function open(file: string) {
  const s = new SqliteStore(file);
  stores.push(s);
  return s;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A process of its own on `file` that, told "go", claims webhooks one by one until none is left and prints their ids. */
const CLAIMER = `
import { createInterface } from 'node:readline';
import { SqliteStore } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'server/storage/sqlite.ts')).href)};
const [file, owner, now, until] = process.argv.slice(2);
const store = new SqliteStore(file);
const lines = createInterface({ input: process.stdin });
lines.once('line', async () => {
  const mine = [];
  for (;;) {
    const got = await store.claimPendingWebhooks(now, { owner, until }, 1);
    if (got.length === 0) break;
    mine.push(...got.map((w) => w.id));
  }
  await store.close();
  process.stdout.write(JSON.stringify(mine) + '\\n');
  lines.close();
});
process.stdout.write('ready\\n');
`;

function startClaimer(script: string, file: string, owner: string) {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [script, file, owner, at(100), at(400)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const out = createInterface({ input: child.stdout });
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  out.on('line', (l) => {
    lines.push(l);
    waiters.splice(0).forEach((w) => w());
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  /** The n-th line it printed (1-based), once printed; rejects if it exits first. */
  const line = (n: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => (lines.length >= n ? resolve(lines[n - 1]) : waiters.push(check));
      check();
      void exited.then((code) => reject(new Error(`claimer ${owner} exited (${code}) after ${lines.length} lines`)));
    });
  return { child, line, exited };
}

const nudgeEvent = (n: NudgeRecord): StreamEvent => ({
  type: 'nudge',
  nudge: { ...n },
});

async function repWithTask(store: SqliteStore, dueSeconds: number) {
  const rep = await store.createUser({
    email: `rep-${Math.random().toString(36).slice(2)}@converse.test`,
    name: 'Rep',
    role: 'sales',
    passwordHash: 'x',
  });
  const task = await store.createTask({
    title: 'Call back',
    leadId: null,
    ownerId: rep.id,
    dueAt: at(dueSeconds),
    reminderMinutes: 0,
  });
  const reminder = await store.reminders.upsert({
    taskId: task.id,
    userId: rep.id,
    title: task.title,
    dueAt: new Date(at(dueSeconds)),
    reminderMinutes: 0,
  });
  const nudge = {
    nudge: {
      userId: rep.id,
      kind: 'task' as const,
      entityType: 'task' as const,
      leadId: null,
      conversationId: null,
      taskId: task.id,
      title: 'Call back',
      body: 'Due now',
      createdAt: at(dueSeconds),
    },
    month: '2030-03',
  };
  return { rep, task, reminder, nudge };
}

describe('webhook claims on one database file', () => {
  it('hands each kept webhook to exactly one of two processes sweeping at once', async () => {
    const file = dbFile();
    const store = open(file);
    const kept = new Set<string>();
    for (let i = 0; i < 300; i++) {
      // Kept by a node whose lease ran out at second 10: both sweepers may take any of them.
      const w = await store.saveWebhook('sandbox', Buffer.from(`{"n":${i}}`), {}, at(i / 100), {
        owner: 'dead-node',
        until: at(10),
      });
      kept.add(w.id);
    }
    await store.close();
    stores.splice(0);

    const script = path.join(tempDir(), 'claimer.mts');
    writeFileSync(script, CLAIMER);
    const claimers = [startClaimer(script, file, 'node-a'), startClaimer(script, file, 'node-b')];
    try {
      await Promise.all(claimers.map((c) => c.line(1)));
      for (const c of claimers) c.child.stdin.write('go\n');
      const [a, b] = (await Promise.all(claimers.map((c) => c.line(2)))).map((l) => JSON.parse(l) as string[]);
      expect(await Promise.all(claimers.map((c) => c.exited))).toEqual([0, 0]);
      expect(a.filter((id) => b.includes(id))).toEqual([]);
      expect(new Set([...a, ...b])).toEqual(kept);
      expect(a.length + b.length).toBe(kept.size);
    } finally {
      for (const c of claimers) c.child.kill();
    }
  }, 60_000);

  it('lets another node take over a webhook only once the claim on it ran out', async () => {
    const file = dbFile();
    const [nodeA, nodeB] = [open(file), open(file)];
    const w = await nodeA.saveWebhook('sandbox', Buffer.from('{}'), { 'x-a': '1' }, at(0), {
      owner: 'node-a',
      until: at(30),
    });
    expect(await nodeB.claimPendingWebhooks(at(29), { owner: 'node-b', until: at(90) }, 10)).toEqual([]);
    const taken = await nodeB.claimPendingWebhooks(at(30), { owner: 'node-b', until: at(90) }, 10);
    expect(taken.map((t) => t.id)).toEqual([w.id]);
    expect(taken[0].headers).toEqual({ 'x-a': '1' });
    // node-a comes back: node-b's claim holds now.
    expect(await nodeA.claimPendingWebhooks(at(60), { owner: 'node-a', until: at(120) }, 10)).toEqual([]);
    await nodeB.markWebhookProcessed(w.id, at(61));
    expect(await nodeA.claimPendingWebhooks(at(1000), { owner: 'node-a', until: at(1100) }, 10)).toEqual([]);
  });
});

describe('rows kept before leases existed', () => {
  it('count as expired: the webhook is claimed at once and the send is interrupted', async () => {
    const file = dbFile();
    const leases = MIGRATIONS.findIndex((m) => m.includes('send_lease_until'));
    expect(leases).toBeGreaterThan(0);
    const old = openDatabase(file, MIGRATIONS.slice(0, leases));
    old.exec(`
      INSERT INTO webhook_inbox (id, provider, body, headers, received_at) VALUES ('wh_old', 'sandbox', X'7B7D', '{}', '${at(0)}');
      INSERT INTO leads (id, first_name, last_name, first_norm, last_norm, created_at, updated_at)
        VALUES ('lead_old', 'Ana', 'Silva', 'ana', 'silva', '${at(0)}', '${at(0)}');
      INSERT INTO conversations (id, lead_id, channel) VALUES ('lead_old:sms', 'lead_old', 'sms');
      INSERT INTO messages (id, client_id, conversation_id, lead_id, channel, direction, body, status, created_at, updated_at)
        VALUES ('msg_old', 'c_old', 'lead_old:sms', 'lead_old', 'sms', 'outbound', 'hi', 'pending', '${at(0)}', '${at(0)}');
    `);
    old.close();

    const store = open(file);
    const claimed = await store.claimPendingWebhooks(at(1), { owner: 'node-a', until: at(31) }, 10);
    expect(claimed.map((w) => [w.id, w.body.toString()])).toEqual([['wh_old', '{}']]);
    expect((await store.interruptedSends(at(1), null)).map((m) => m.id)).toEqual(['msg_old']);
    // The send was nobody's: no node renews it.
    expect(await store.renewSendLeases('node-a', at(60))).toBe(0);
  });
});

describe('send leases across nodes on one file', () => {
  it('keeps a send that its node renews out of another node’s sweep, and gives it up once renewals stop', async () => {
    const file = dbFile();
    const [nodeA, nodeB] = [open(file), open(file)];
    const rep = await nodeA.createUser({ email: 'rep@converse.test', name: 'Rep', role: 'sales', passwordHash: 'x' });
    const lead = await nodeA.createLead(
      { firstName: 'Ana', lastName: 'Silva', ownerId: rep.id, phones: [{ e164: '+14155550123' }] },
      at(0),
    );
    const { message } = await nodeA.createOutbound({
      clientId: 'c-1',
      leadId: lead.id,
      channel: 'sms',
      body: 'hello',
      phoneId: lead.phones[0].id,
      templateId: null,
      templateName: null,
      attachmentId: null,
      caption: null,
      authorUserId: rep.id,
      provider: 'sandbox',
      connector: 'sandbox',
      at: at(0),
      sendLease: { owner: 'node-a', until: at(30) },
    });
    expect(await nodeA.renewSendLeases('node-a', at(60))).toBe(1);
    expect(await nodeB.interruptedSends(at(45), 'node-b')).toEqual([]);
    expect((await nodeB.interruptedSends(at(60), 'node-b')).map((m) => m.id)).toEqual([message.id]);
    // A send the provider answered is no longer under way: nothing to renew, nothing interrupted.
    await nodeA.setProviderId(message.id, 'SM-1');
    expect(await nodeA.renewSendLeases('node-a', at(120))).toBe(0);
    expect(await nodeB.interruptedSends(at(1000), 'node-a')).toEqual([]);
  });
});

describe('firing a reminder', () => {
  it('fires once when two calls race on one store, and once across two connections', async () => {
    const file = dbFile();
    const [nodeA, nodeB] = [open(file), open(file)];
    const { rep, reminder, nudge } = await repWithTask(nodeA, 60);
    const fireAt = reminder.fireAt.toISOString();
    const results = await Promise.all([
      nodeA.fireReminder(reminder.taskId, fireAt, at(61), nudge, nudgeEvent),
      nodeA.fireReminder(reminder.taskId, fireAt, at(61), nudge, nudgeEvent),
      nodeB.fireReminder(reminder.taskId, fireAt, at(62), nudge, nudgeEvent),
    ]);
    const fired = results.filter((r) => r !== null);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.map((e) => [e.userId, e.seq, e.event.type])).toEqual([[rep.id, 1, 'nudge']]);
    expect(await nodeB.listNudges(rep.id, 10)).toHaveLength(1);
    expect(await nodeB.eventsAfter(rep.id, 0, 10)).toHaveLength(1);
    expect(await nodeB.reminders.due(new Date(at(1000)), 10)).toEqual([]);
  });

  it('does not fire a reminder that moved, then fires it once at its new time', async () => {
    const store = open(dbFile());
    const { rep, reminder, nudge } = await repWithTask(store, 60);
    const moved = await store.reminders.upsert({
      taskId: reminder.taskId,
      userId: rep.id,
      title: 'Call back',
      dueAt: new Date(at(600)),
      reminderMinutes: 0,
    });
    // The sweep read the old time before the move: its fire is refused and adds nothing.
    expect(await store.fireReminder(reminder.taskId, reminder.fireAt.toISOString(), at(61), nudge, nudgeEvent)).toBe(
      null,
    );
    expect(await store.listNudges(rep.id, 10)).toEqual([]);
    expect(await store.headSeq(rep.id)).toBe(0);
    const newTime = moved.fireAt.toISOString();
    expect(await store.fireReminder(reminder.taskId, newTime, at(601), nudge, nudgeEvent)).toHaveLength(1);
    expect(await store.fireReminder(reminder.taskId, newTime, at(602), nudge, nudgeEvent)).toBe(null);
    expect(await store.listNudges(rep.id, 10)).toHaveLength(1);
  });

  it('leaves the reminder due when its nudge cannot be made (nothing half done)', async () => {
    const store = open(dbFile());
    const { rep, reminder, nudge } = await repWithTask(store, 60);
    const fireAt = reminder.fireAt.toISOString();
    const broken = (): StreamEvent => {
      throw new Error('view failed');
    };
    await expect(store.fireReminder(reminder.taskId, fireAt, at(61), nudge, broken)).rejects.toThrow('view failed');
    expect(await store.listNudges(rep.id, 10)).toEqual([]);
    expect((await store.reminders.due(new Date(at(61)), 10)).map((r) => r.taskId)).toEqual([reminder.taskId]);
    await expect(store.fireReminder(reminder.taskId, 'soon', at(61), nudge, nudgeEvent)).rejects.toThrow(
      /fireAt must be an ISO time/,
    );
  });
});

describe('head seqs', () => {
  it('reads many users’ heads at once, more than one IN list holds, unknown users at 0', async () => {
    const store = open(dbFile());
    const rep = await store.createUser({ email: 'h@converse.test', name: 'H', role: 'sales', passwordHash: 'x' });
    await store.appendEvents(
      [1, 2, 3].map((n) => ({ userId: rep.id, event: { type: 'lead.removed', leadId: `l${n}` } as StreamEvent })),
      at(0),
    );
    const others = Array.from({ length: 700 }, (_, i) => `usr_unknown_${i}`);
    const heads = await store.headSeqs([...others, rep.id]);
    expect(heads.size).toBe(701);
    expect(heads.get(rep.id)).toBe(3);
    expect(others.every((id) => heads.get(id) === 0)).toBe(true);
    expect(await store.headSeqs([])).toEqual(new Map());
  });
});
