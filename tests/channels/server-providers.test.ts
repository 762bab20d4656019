// The whole server pointed at the local WhatsApp and RingCentral fakes: a lead writes in through
// a signed webhook, the rep answers over the stream, the provider gets its documented request,
// and the status webhooks move the message up to read; SMS statuses are read back from
// RingCentral; an MMS from an unknown number and a STOP reach the lead's conversation.
import { createHash } from 'node:crypto';
import { api, clientId, connect, signIn, startTestServer, type StreamClient, type TestServer } from '../server/support';
import {
  startFakeWhatsApp,
  waMediaMessage,
  waStatus,
  waStatuses,
  waTextMessage,
  whatsAppEnvOf,
  type FakeWhatsApp,
} from '../fakes/whatsapp-graph';
import {
  startFakeRingCentral,
  rcInstantSms,
  rcMessageStoreEvent,
  ringCentralEnvOf,
  type FakeRingCentral,
} from '../fakes/ringcentral';
import { conversationIdOf } from '../../shared/domain';

let server: TestServer;
let wa: FakeWhatsApp;
let rc: FakeRingCentral;
let rita: string;
let c: StreamClient;
let mariaId: string;

beforeAll(async () => {
  wa = await startFakeWhatsApp();
  rc = await startFakeRingCentral();
  server = await startTestServer({
    retryDelaysMs: [10, 10],
    env: {
      SANDBOX_AUTO_REPLY: 'off',
      ...whatsAppEnvOf(wa),
      ...ringCentralEnvOf(rc),
    },
  });
  rita = await signIn(server, 'rita@converse.demo');
  mariaId = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0].id;
  c = await connect(server, rita, 0, 'provider-tests');
});
afterAll(async () => {
  c?.close();
  await server?.stop();
  await wa?.close();
  await rc?.close();
});

async function send(s: Record<string, unknown>) {
  const id = clientId();
  c.send({ type: 'send', send: { clientId: id, to: null, body: '', ...s } });
  return c.until(
    () => c.frames.find((f) => (f.type === 'send.accepted' || f.type === 'send.rejected') && f.clientId === id),
    5000,
    'send answer',
  ) as Promise<any>;
}
const latest = (messageId: string) =>
  [...c.events].reverse().find((e) => e.event.type === 'message.upserted' && e.event.message.id === messageId)
    ?.event as any;
const messages = async (leadId: string, channel: 'sms' | 'whatsapp') =>
  (
    await api(
      server,
      'GET',
      `/conversations/${encodeURIComponent(conversationIdOf(leadId, channel))}/messages?limit=50`,
      rita,
    )
  ).body.messages as any[];

describe('server with real connectors against the fakes', () => {
  it('WhatsApp: inbound opens the window, the reply goes out as documented, statuses reach read', async () => {
    expect(
      (
        await wa.sendWebhook(
          `${server.url}/webhooks/whatsapp`,
          waTextMessage({ from: '14155550134', id: 'wamid.maria1', body: 'Hola, ¿sigue disponible?' }),
        )
      ).status,
    ).toBe(200);
    await server.internals.webhooksIdle();
    expect((await messages(mariaId, 'whatsapp')).map((m) => m.body)).toContain('Hola, ¿sigue disponible?');

    const r = await send({ leadId: mariaId, channel: 'whatsapp', body: 'Sí, ¡todavía está disponible!' });
    expect(r.type).toBe('send.accepted');
    await c.until(() => wa.sent.length === 1, 5000, 'the Graph fake to get the message');
    expect(wa.sent[0].body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '14155550134',
      type: 'text',
      text: { body: 'Sí, ¡todavía está disponible!', preview_url: false },
    });
    const wamid = wa.sent[0].id;
    // Read arrives before delivered, then a duplicate sent: read stays.
    await wa.sendWebhook(
      `${server.url}/webhooks/whatsapp`,
      waStatuses([waStatus(wamid, 'read', '14155550134'), waStatus(wamid, 'delivered', '14155550134')]),
    );
    await wa.sendWebhook(`${server.url}/webhooks/whatsapp`, waStatuses([waStatus(wamid, 'sent', '14155550134')]));
    await server.internals.webhooksIdle();
    await c.until(() => latest(r.messageId)?.message.status === 'read', 5000, 'read');
  });

  it('WhatsApp: an image from an unknown number becomes a lead with the file stored', async () => {
    const jpeg = new Uint8Array([
      ...Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
      ...new Uint8Array(200),
    ]);
    const mediaId = wa.addMedia(jpeg, 'image/jpeg');
    const payload = waMediaMessage({
      from: '14155550161',
      id: 'wamid.new1',
      type: 'image',
      mediaId,
      mimeType: 'image/jpeg',
      sha256: createHash('sha256').update(jpeg).digest('base64'),
      caption: 'The house I like',
      name: 'Pat Newman',
    });
    await wa.sendWebhook(`${server.url}/webhooks/whatsapp`, payload);
    await wa.sendWebhook(`${server.url}/webhooks/whatsapp`, payload);
    await server.internals.webhooksIdle();
    const admin = await signIn(server, 'admin@converse.demo');
    const leads = (await api(server, 'GET', '/leads?q=newman', admin)).body.leads;
    expect(leads).toHaveLength(1);
    const msgs = (
      await api(
        server,
        'GET',
        `/conversations/${encodeURIComponent(conversationIdOf(leads[0].id, 'whatsapp'))}/messages`,
        admin,
      )
    ).body.messages;
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({
      direction: 'inbound',
      caption: 'The house I like',
      attachment: { mimeType: 'image/jpeg', size: jpeg.length, kind: 'image' },
    });
    const file = await fetch(`${server.url}/api/v1/attachments/${msgs[0].attachment.id}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(jpeg);
  });

  it('WhatsApp: a forged webhook is refused and stores nothing', async () => {
    const res = await wa.sendWebhook(
      `${server.url}/webhooks/whatsapp`,
      waTextMessage({ from: '14155550134', id: 'wamid.forged', body: 'forged' }),
      { secret: 'not-the-app-secret' },
    );
    expect(res.status).toBe(401);
    await server.internals.webhooksIdle();
    expect((await messages(mariaId, 'whatsapp')).map((m) => m.body)).not.toContain('forged');
  });

  it('RingCentral: SMS goes out as JSON, its status is read back on the change event', async () => {
    const r = await send({ leadId: mariaId, channel: 'sms', body: 'Open house on Saturday at 11.' });
    expect(r.type).toBe('send.accepted');
    await c.until(() => latest(r.messageId)?.message.status === 'queued', 5000, 'queued');
    const [id] = [...rc.records.keys()];
    rc.setStatus(id, 'Delivered');
    const res = await rc.sendWebhook(
      `${server.url}/webhooks/ringcentral`,
      rcMessageStoreEvent({ lastUpdated: new Date(), updatedCount: 1 }),
    );
    expect(res.status).toBe(200);
    await server.internals.webhooksIdle();
    await c.until(() => latest(r.messageId)?.message.status === 'delivered', 5000, 'delivered');
  });

  it('RingCentral: STOP opts the number out and the next send is refused', async () => {
    await rc.sendWebhook(
      `${server.url}/webhooks/ringcentral`,
      rcInstantSms({ id: '77001', from: '+14155550134', text: 'STOP' }),
    );
    await server.internals.webhooksIdle();
    const r = await send({ leadId: mariaId, channel: 'sms', body: 'Are you still there?' });
    expect(r).toMatchObject({ type: 'send.rejected', error: { code: 'opted_out' } });
  });
});
