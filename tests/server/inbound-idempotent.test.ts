// Inbound processing is idempotent end to end. A fault hook stops the server between each pair
// of steps of one inbound WhatsApp message (media kept → message stored → outcome applied), a
// fresh server starts over the same data directory, the same signed webhook is delivered again,
// and every event, activity, nudge and usage count is there exactly once. The same for a CRM
// event stopped between its claim and its handling.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from './support';
import {
  startFakeWhatsApp,
  waMediaMessage,
  WA_APP_SECRET,
  WA_PHONE_NUMBER_ID,
  WA_TOKEN,
  WA_VERIFY_TOKEN,
  type FakeWhatsApp,
} from '../fakes/whatsapp-graph';
import type { InboundStep } from '../../server/messaging/channel-sink';
import { usageMonthOf } from '../../server/reports/usage-month';

const PNG = new Uint8Array(
  Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2b2e1a60000000049454e44ae426082',
    'hex',
  ),
);
const FROM = '16315550999';

let wa: FakeWhatsApp;
const dirs: string[] = [];
beforeAll(async () => {
  wa = await startFakeWhatsApp();
});
afterAll(async () => {
  await wa.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const waEnv = () => ({
  CONVERSE_WHATSAPP_CONNECTOR: 'whatsapp',
  WHATSAPP_API_BASE_URL: wa.url,
  WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_NUMBER_ID,
  WHATSAPP_ACCESS_TOKEN: WA_TOKEN,
  WHATSAPP_APP_SECRET: WA_APP_SECRET,
  WHATSAPP_VERIFY_TOKEN: WA_VERIFY_TOKEN,
});

function newDir() {
  const d = mkdtempSync(path.join(tmpdir(), 'converse-inbound-'));
  dirs.push(d);
  return d;
}

/** A server whose inbound processing stops (throws, as a crash would) the first time it reaches `stopAt`. */
function start(dataDir: string, stopAt: InboundStep | null, extra: Parameters<typeof startTestServer>[0] = {}) {
  let armed = stopAt !== null;
  return startTestServer({
    dataDir,
    env: waEnv(),
    ...extra,
    checkpoints: {
      inbound: (step) => {
        if (armed && step === stopAt) {
          armed = false;
          throw new Error(`stopped after ${step}`);
        }
      },
    },
  });
}

async function deliver(server: TestServer, raw: string) {
  expect((await wa.sendWebhook(`${server.url}/webhooks/whatsapp`, raw)).status).toBe(200);
  await server.internals.webhooksIdle();
}

/** Everything the one inbound message should have produced, counted from the store. */
async function outcomeCounts(server: TestServer, providerMessageId: string) {
  const { store } = server.internals;
  const lead = (await store.leadByPhone(`+${FROM}`))!;
  const receipt = (await store.inboundReceipt('whatsapp', providerMessageId))!;
  const message = receipt.message;
  const audience = await store.leadAudience(lead.id);
  let owner: Record<string, number> = {};
  const others: Record<string, number>[] = [];
  for (const userId of audience) {
    const counts: Record<string, number> = {};
    for (const { event } of await store.eventsAfter(userId, 0, 100_000)) {
      const key =
        event.type === 'message.upserted' && event.message.id === message.id
          ? 'message'
          : event.type === 'conversation.upserted' && event.conversation.id === message.conversationId
            ? 'conversation'
            : event.type === 'lead.upserted' && event.lead.id === lead.id
              ? 'lead'
              : event.type === 'nudge' && event.nudge.leadId === lead.id
                ? `nudge:${event.nudge.kind}`
                : null;
      if (key) counts[key] = (counts[key] ?? 0) + 1;
    }
    if (userId === lead.ownerId) owner = counts;
    else others.push(counts);
  }
  // Everyone else who may see the lead (other admins, if the workspace has any) gets the lead, message and conversation once, and no nudge.
  const othersOnce = others.every(
    (c) => JSON.stringify(c) === JSON.stringify({ lead: 1, message: 1, conversation: 1 }),
  );
  const month = usageMonthOf(new Date(message.createdAt), await store.workspaceTimeZone());
  const usage = (userId: string | null) =>
    store
      .usage([month], userId)
      .then((rows) =>
        rows.filter((r) => r.provider === 'whatsapp' && r.direction === 'inbound').reduce((n, r) => n + r.count, 0),
      );
  const activities = (await store.listActivity(lead.id, 50)).map((a) => a.type).sort();
  const nudges = (await store.listNudges(lead.ownerId!, 50))
    .filter((n) => n.leadId === lead.id)
    .map((n) => n.kind)
    .sort();
  const conversations = await store.listConversationsOfLead(lead.id);
  const messages = (await store.messagesPage(message.conversationId, null, 50)).map((m) => [
    m.providerMessageId,
    m.caption,
    m.attachment?.size,
  ]);
  return {
    applied: receipt.applied,
    messages,
    conversations: conversations.length,
    activities,
    nudges,
    usage: { workspace: await usage(null), owner: await usage(lead.ownerId) },
    events: { owner, othersOnce },
  };
}

const EXPECTED = (providerMessageId: string) => ({
  applied: true,
  messages: [[providerMessageId, 'The red one', PNG.length]],
  conversations: 1,
  activities: ['conversation.started', 'lead.created'],
  nudges: ['assignment', 'message'],
  usage: { workspace: 1, owner: 1 },
  events: {
    owner: { lead: 1, message: 1, conversation: 1, 'nudge:assignment': 1, 'nudge:message': 1 },
    othersOnce: true,
  },
});

describe('an inbound message stopped between its steps', () => {
  it('without a stop: one message, its outcome once (the figures the other cases must reach)', async () => {
    const dir = newDir();
    const server = await start(dir, null);
    const raw = JSON.stringify(
      waMediaMessage({
        from: FROM,
        id: 'wamid.base',
        type: 'image',
        mediaId: wa.addMedia(PNG, 'image/png'),
        mimeType: 'image/png',
        sha256: 'x',
        caption: 'The red one',
        name: 'Dana Cruz',
      }),
    );
    await deliver(server, raw);
    await deliver(server, raw);
    expect(await outcomeCounts(server, 'wamid.base')).toEqual(EXPECTED('wamid.base'));
    await server.close();
  }, 30_000);

  it.each(['media-kept', 'message-stored', 'outcome-applied'] as const)(
    'stopped after %s, restarted and redelivered: everything once',
    async (step) => {
      const dir = newDir();
      const id = `wamid.stop-${step}`;
      const raw = JSON.stringify(
        waMediaMessage({
          from: FROM,
          id,
          type: 'image',
          mediaId: wa.addMedia(PNG, 'image/png'),
          mimeType: 'image/png',
          sha256: 'x',
          caption: 'The red one',
          name: 'Dana Cruz',
        }),
      );
      const first = await start(dir, step);
      await deliver(first, raw);
      // The stop really happened where it was asked to.
      const stored = await first.internals.store.inboundReceipt('whatsapp', id);
      expect(stored === null ? 'nothing stored' : stored.applied ? 'applied' : 'message only').toBe(
        step === 'media-kept' ? 'nothing stored' : step === 'message-stored' ? 'message only' : 'applied',
      );
      await first.close();

      const second = await start(dir, null);
      await deliver(second, raw);
      await deliver(second, raw);
      expect(await second.internals.store.unappliedInbound()).toEqual([]);
      expect(await outcomeCounts(second, id)).toEqual(EXPECTED(id));
      await second.close();
    },
    30_000,
  );

  it('a message stored before a stop gets its outcome on the next start, with no redelivery', async () => {
    const dir = newDir();
    const raw = JSON.stringify(
      waMediaMessage({
        from: FROM,
        id: 'wamid.resume',
        type: 'image',
        mediaId: wa.addMedia(PNG, 'image/png'),
        mimeType: 'image/png',
        sha256: 'x',
        caption: 'The red one',
        name: 'Dana Cruz',
      }),
    );
    const first = await start(dir, 'message-stored');
    await deliver(first, raw);
    expect(await first.internals.store.unappliedInbound()).toHaveLength(1);
    await first.close();

    const second = await start(dir, null);
    // resume() runs on start; call it too, and wait on the fact that nothing is left unapplied.
    await second.internals.sink.resume();
    expect(await second.internals.store.unappliedInbound()).toEqual([]);
    expect(await outcomeCounts(second, 'wamid.resume')).toEqual(EXPECTED('wamid.resume'));
    await second.close();
  }, 30_000);
});

describe('a CRM event stopped between its claim and its handling', () => {
  const post = async (server: { url: string }, key: string, body: unknown) => {
    const res = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('is refused as busy while its claim holds, and handled once by the retry after a restart', async () => {
    const dir = newDir();
    const key = 'test-events-key-0123456789abcdef';
    let armed = true;
    const first = await startTestServer({
      dataDir: dir,
      env: { CONVERSE_EVENTS_API_KEY: key },
      checkpoints: {
        crmEvent: () => {
          if (armed) {
            armed = false;
            throw new Error('stopped after the claim');
          }
        },
      },
    });
    const lead = {
      type: 'lead',
      eventId: 'crm-lead-1',
      action: 'created',
      lead: { id: 'L-1', firstName: 'Noor', lastName: 'Haddad', owner: { email: 'rita@converse.demo' } },
    };
    expect((await post(first, key, lead)).status).toBe(500);
    // The same process still holds the claim: the sender is told to come back, not told "done".
    const busy = await post(first, key, lead);
    expect([busy.status, busy.body.error.code]).toEqual([409, 'conflict']);
    expect(await first.internals.store.leadByExternalId('L-1')).toBeNull();
    await first.close();

    // Restarted after the lease: the sender's retry is handled, once.
    const later = () => new Date(Date.now() + 3 * 60_000);
    const second = await startTestServer({ dataDir: dir, env: { CONVERSE_EVENTS_API_KEY: key }, now: later });
    expect(await post(second, key, lead)).toEqual({ status: 202, body: { accepted: 1 } });
    expect(await post(second, key, lead)).toEqual({ status: 202, body: { accepted: 1 } });
    const created = (await second.internals.store.leadByExternalId('L-1'))!;
    expect(created).toMatchObject({ firstName: 'Noor', lastName: 'Haddad' });
    const owner = (await second.internals.store.getUserByEmail('rita@converse.demo'))!;
    expect(
      (await second.internals.store.listNudges(owner.id, 50)).filter(
        (n) => n.leadId === created.id && n.kind === 'assignment',
      ),
    ).toHaveLength(1);
    await second.close();
  }, 30_000);
});
