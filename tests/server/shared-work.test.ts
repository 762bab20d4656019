// Work that the nodes sharing one database take from each other: a webhook whose node died is
// processed by another node once its lease runs out, exactly once; reminders fire once however
// many nodes sweep them; a send whose node stopped renewing its lease is failed and reported by
// another node's sweep (never sent again), while a live node's renewed send is left alone; a
// restarted node fails its own interrupted sends at once. Two real servers on one database file,
// their clocks moved by the test; the periodic timers are set far apart so only the test sweeps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, clientId, connect, signIn, startTestServer, StreamClient } from './support';
import { startFakeWhatsApp, waTextMessage, whatsAppEnvOf, type FakeWhatsApp } from '../fakes/whatsapp-graph';
import { startFakeRingCentral, ringCentralEnvOf, type FakeRingCentral } from '../fakes/ringcentral';
import { DEMO_LEADS } from '../../server/demo/accounts';
import type { Store } from '../../server/storage/store';

const HOUR = 3_600_000;
/** Only the test sweeps and renews: the timers would not fire within a test. */
const QUIET = { webhookSweepEveryMs: HOUR, sendRenewEveryMs: HOUR, sendSweepEveryMs: HOUR };
const INTERRUPTED = /stopped before the provider confirmed this message/;

let wa: FakeWhatsApp;
let rc: FakeRingCentral;
const dirs: string[] = [];
beforeAll(async () => {
  wa = await startFakeWhatsApp();
  rc = await startFakeRingCentral();
});
afterAll(async () => {
  await wa.close();
  await rc.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const providerEnv = () => ({ ...whatsAppEnvOf(wa), ...ringCentralEnvOf(rc) });

/** Two nodes on one database file, sharing a clock the test moves. */
async function twoNodes() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-nodes-'));
  dirs.push(dataDir);
  const clock = { t: Date.now() };
  const node = (nodeId: string) =>
    startTestServer({
      dataDir,
      nodeId,
      env: providerEnv(),
      now: () => new Date(clock.t),
      leases: QUIET,
      // A retryable failure waits an hour: the send stays under way for the whole test.
      retryDelaysMs: [HOUR],
    });
  const a = await node('node-a');
  const b = await node('node-b');
  // The start-up sweeps are done: from here on only the test claims webhooks.
  await Promise.all([a.internals.webhooksIdle(), b.internals.webhooksIdle()]);
  return { a, b, clock, store: a.internals.store, dataDir };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('a webhook answered by a node that died before processing it', () => {
  it('is processed by another node once its lease has run out, exactly once', async () => {
    const { a, b, clock, store } = await twoNodes();
    const from = '16315550777';
    const raw = Buffer.from(JSON.stringify(waTextMessage({ from, id: 'wamid.orphan', body: 'anyone there?' })));
    // What a node does before its 2xx: keep the webhook, claimed for its lease. Then it dies.
    await store.saveWebhook('whatsapp', raw, { 'content-type': 'application/json' }, iso(clock.t), {
      owner: 'node-dead',
      until: iso(clock.t + 60_000),
    });

    // While the lease holds, nobody takes it.
    expect(await Promise.all([a.internals.sweepWebhooks(), b.internals.sweepWebhooks()])).toEqual([0, 0]);
    expect(await store.leadByPhone(`+${from}`)).toBeNull();

    clock.t += 61_000;
    const swept = await Promise.all([a.internals.sweepWebhooks(), b.internals.sweepWebhooks()]);
    expect(swept[0] + swept[1]).toBe(1);
    await Promise.all([a.internals.webhooksIdle(), b.internals.webhooksIdle()]);
    expect(await Promise.all([a.internals.sweepWebhooks(), b.internals.sweepWebhooks()])).toEqual([0, 0]);

    // Processed once: one lead, one message, one outcome, the owner nudged once of each kind.
    const lead = (await store.leadByPhone(`+${from}`))!;
    const receipt = (await store.inboundReceipt('whatsapp', 'wamid.orphan'))!;
    expect(receipt.applied).toBe(true);
    expect((await store.messagesPage(receipt.message.conversationId, null, 10)).map((m) => m.body)).toEqual([
      'anyone there?',
    ]);
    const nudges = (await store.listNudges(lead.ownerId!, 100)).filter((n) => n.leadId === lead.id).map((n) => n.kind);
    expect(nudges.sort()).toEqual(['assignment', 'message']);
    // Nothing is left to claim even once every lease has run out.
    const later = iso(clock.t + HOUR);
    expect(await store.claimPendingWebhooks(later, { owner: 'probe', until: later }, 10)).toEqual([]);
    await a.close();
    await b.close();
  }, 30_000);
});

describe('task reminders on two nodes sharing one database', () => {
  it('fire once each, with one nudge to the owner; a deactivated owner is handled with none', async () => {
    const { a, b, clock, store } = await twoNodes();
    const rita = (await store.getUserByEmail('rita@converse.demo'))!;
    const sam = (await store.getUserByEmail('sam@converse.demo'))!;
    const dueAt = iso(clock.t + 10 * 60_000);
    const taskIds: string[] = [];
    for (let i = 0; i < 30; i++) {
      const node = i % 2 ? a : b;
      const task = await node.internals.workspace.createTask({
        title: `Call back #${i}`,
        leadId: null,
        ownerId: rita.id,
        dueAt,
        reminderMinutes: 5,
      });
      taskIds.push(task.id);
    }
    await a.internals.workspace.createTask({
      title: 'For Sam',
      leadId: null,
      ownerId: sam.id,
      dueAt,
      reminderMinutes: 5,
    });
    await store.updateUser(sam.id, { active: false });
    const dueNudges = async (userId: string) =>
      (await store.listNudges(userId, 500)).filter((n) => n.title.startsWith('Task due'));
    expect(await dueNudges(rita.id)).toEqual([]);

    clock.t += 6 * 60_000;
    const fired = await Promise.all([a.internals.runDueReminders(), b.internals.runDueReminders()]);
    expect(fired[0] + fired[1]).toBe(31);
    expect(await Promise.all([a.internals.runDueReminders(), b.internals.runDueReminders()])).toEqual([0, 0]);

    const nudges = await dueNudges(rita.id);
    expect(nudges.map((n) => n.taskId).sort()).toEqual([...taskIds].sort());
    // Each nudge is in Rita's log once.
    const logged = (await store.eventsAfter(rita.id, 0, 100_000)).filter(
      (e) => e.event.type === 'nudge' && e.event.nudge.title.startsWith('Task due'),
    );
    expect(logged).toHaveLength(30);
    expect(await dueNudges(sam.id)).toEqual([]);
    await a.close();
    await b.close();
  }, 60_000);
});

/** A pending SMS to Maria as a node keeps it before calling the provider, leased to `owner` until `until`. */
async function pendingSend(store: Store, owner: string, at: number, until: number) {
  const maria = (await store.leadByPhone(DEMO_LEADS.maria.phones[0]))!;
  const rita = (await store.getUserByEmail('rita@converse.demo'))!;
  const { message } = await store.createOutbound({
    clientId: clientId(),
    leadId: maria.id,
    channel: 'sms',
    body: `sent by ${owner}`,
    phoneId: maria.phones[0]!.id,
    templateId: null,
    templateName: null,
    attachmentId: null,
    caption: null,
    authorUserId: rita.id,
    provider: 'ringcentral',
    connector: 'ringcentral',
    at: iso(at),
    sendLease: { owner, until: iso(until) },
  });
  return message;
}

describe('sends under way when a node dies', () => {
  it("are failed and reported by another node's sweep, while a live node's renewed send is left alone", async () => {
    const { a, b, clock, store } = await twoNodes();
    const t0 = clock.t;
    const maria = (await store.leadByPhone(DEMO_LEADS.maria.phones[0]))!;
    const ritaOnA = await connect(a, await signIn(a, 'rita@converse.demo'), 0, 'rita-a');
    const ritaOnB = await connect(b, await signIn(b, 'rita@converse.demo'), 0, 'rita-b');

    // Node A's send: RingCentral answers 503, so A waits to retry; the send is under way on A.
    const smsPosts = () => rc.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/sms')).length;
    const postsBefore = smsPosts();
    rc.failNext({ status: 503, json: { errorCode: 'CMN-211', message: 'Service temporarily unavailable' } });
    const id = clientId();
    ritaOnA.send({
      type: 'send',
      send: { clientId: id, leadId: maria.id, channel: 'sms', to: null, body: 'live send' },
    });
    const accepted = (await ritaOnA.frame('send.accepted', (f) => f.clientId === id)) as { messageId: string };
    await ritaOnA.until(() => smsPosts() === postsBefore + 1, 5000, 'the first attempt of the live send');

    // A dead node's send, leased until t0 + 30 s.
    const dead = await pendingSend(store, 'node-dead', t0, t0 + 30_000);

    clock.t = t0 + 25_000;
    expect(await a.internals.renewSendLeases()).toBe(1);
    expect(await b.internals.renewSendLeases()).toBe(0);

    clock.t = t0 + 45_000;
    expect(await b.internals.sweepSends()).toBe(1);
    expect(await a.internals.sweepSends()).toBe(0);
    const deadNow = (await store.getMessage(dead.id))!;
    expect(deadNow.status).toBe('failed');
    expect(deadNow.error?.message).toMatch(INTERRUPTED);
    expect((await store.getMessage(accepted.messageId))!.status).toBe('pending');
    // Reported: the rep sees the failure live on the node that swept it.
    await ritaOnB.until(
      () =>
        ritaOnB.events.find(
          (e) =>
            e.event.type === 'message.upserted' &&
            e.event.message.id === dead.id &&
            e.event.message.status === 'failed',
        ),
      5000,
      'the failed send reported',
    );

    // Had A stopped renewing (it died), its send would go the same way once its lease ran out (t0 + 55 s).
    clock.t = t0 + 56_000;
    expect(await b.internals.sweepSends()).toBe(1);
    expect((await store.getMessage(accepted.messageId))!.error?.message).toMatch(INTERRUPTED);
    // Never sent twice: the provider was asked once.
    expect(smsPosts()).toBe(postsBefore + 1);
    ritaOnA.close();
    ritaOnB.close();
    await a.close();
    await b.close();
  }, 30_000);

  it('a restarted node fails its own interrupted sends at once, and leaves a live node’s alone', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-restart-'));
    dirs.push(dataDir);
    const t = Date.now();
    const first = await startTestServer({ dataDir, env: providerEnv(), now: () => new Date(t), leases: QUIET });
    expect(first.internals.nodeId).toBe('local');
    const mine = await pendingSend(first.internals.store, 'local', t, t + 30_000);
    const theirs = await pendingSend(first.internals.store, 'node-live', t, t + 30_000);
    await first.close();

    const again = await startTestServer({ dataDir, env: providerEnv(), now: () => new Date(t + 1000), leases: QUIET });
    expect((await again.internals.store.getMessage(mine.id))!.error?.message).toMatch(INTERRUPTED);
    expect((await again.internals.store.getMessage(theirs.id))!.status).toBe('pending');
    await again.close();
  }, 30_000);
});

describe('draining a node (SIGTERM)', () => {
  it('answers 503 on /ready, closes streams with 1001, refuses new ones, then closes', async () => {
    const server = await startTestServer({ leases: QUIET });
    try {
      expect(await api(server, 'GET', '/ready')).toMatchObject({ status: 200, body: { ready: true } });
      expect((await api(server, 'GET', '/health')).status).toBe(200);
      const token = await signIn(server, 'rita@converse.demo');
      const stream = await connect(server, token, 0, 'drain-test');

      const drained = server.drain(1500);
      const ready = await api(server, 'GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.ready).toBe(false);
      expect(await stream.waitClose()).toMatchObject({ code: 1001 });
      // A desktop that reconnects here is turned away, to another node.
      await expect(new StreamClient(server.url, token).opened).rejects.toThrow(/503/);
      // Liveness still answers while draining; only readiness says "send traffic elsewhere".
      expect((await api(server, 'GET', '/health')).status).toBe(200);
      await drained;
      await expect(fetch(`${server.url}/api/v1/health`)).rejects.toThrow();
    } finally {
      await server.stop();
    }
  }, 30_000);
});
