// A WhatsApp message whose media Graph will not hand over (it answers an error for the media
// id): the message is kept with its caption and a "media unavailable" attachment the rep sees,
// the unknown sender's lead gets its conversation, and the file is fetched again later — a
// bounded number of times — or on demand (the rep's download).
import { api, connect, signIn, startTestServer, type TestServer } from './support';
import {
  startFakeWhatsApp,
  waMediaMessage,
  WA_APP_SECRET,
  WA_PHONE_NUMBER_ID,
  WA_TOKEN,
  WA_VERIFY_TOKEN,
  type FakeWhatsApp,
} from '../fakes/whatsapp-graph';
import { conversationIdOf } from '../../shared/domain';

const PNG = new Uint8Array(
  Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2b2e1a60000000049454e44ae426082',
    'hex',
  ),
);

let wa: FakeWhatsApp;
let server: TestServer;
let t = Date.parse('2026-11-20T10:00:00Z');

beforeAll(async () => {
  wa = await startFakeWhatsApp();
  server = await startTestServer({
    now: () => new Date(t),
    // Two automatic retries, a minute apart; then on demand only.
    mediaRetryDelaysMs: [60_000, 60_000],
    env: {
      CONVERSE_WHATSAPP_CONNECTOR: 'whatsapp',
      WHATSAPP_API_BASE_URL: wa.url,
      WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_NUMBER_ID,
      WHATSAPP_ACCESS_TOKEN: WA_TOKEN,
      WHATSAPP_APP_SECRET: WA_APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: WA_VERIFY_TOKEN,
    },
  });
});
afterAll(async () => {
  await server?.stop();
  await wa?.close();
});

const mediaRequests = (mediaId: string) =>
  wa.requests.filter((r) => r.method === 'GET' && r.path === `/${mediaId}`).length;

async function arrive(from: string, id: string, mediaId: string) {
  const raw = JSON.stringify(
    waMediaMessage({
      from,
      id,
      type: 'image',
      mediaId,
      mimeType: 'image/jpeg',
      sha256: 'x',
      caption: 'Is this the one?',
      name: 'Ana Lima',
    }),
  );
  expect((await wa.sendWebhook(`${server.url}/webhooks/whatsapp`, raw)).status).toBe(200);
  await server.internals.webhooksIdle();
}

describe('inbound media that cannot be downloaded', () => {
  it('keeps the message, its caption and the lead\'s conversation; the rep sees "retrying"; the file arrives on a later try', async () => {
    const admin = await signIn(server, 'admin@converse.demo');
    const stream = await connect(server, admin, 0, 'media-tests');
    await arrive('5511987650001', 'wamid.nomedia1', '7001');
    expect(mediaRequests('7001')).toBe(1);

    const lead = (await server.internals.store.leadByPhone('+5511987650001'))!;
    const messages = (
      await api(
        server,
        'GET',
        `/conversations/${encodeURIComponent(conversationIdOf(lead.id, 'whatsapp'))}/messages?limit=10`,
        admin,
      )
    ).body.messages as any[];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      caption: 'Is this the one?',
      attachment: { unavailable: 'retrying', size: 0 },
    });
    const attachmentId = messages[0].attachment.id as string;
    const live = await stream.until(
      () => stream.events.find((e) => e.event.type === 'message.upserted' && e.event.message.id === messages[0].id),
      5000,
      'the message event',
    );
    expect((live.event as any).message.attachment.unavailable).toBe('retrying');
    // The webhook is processed without a problem: nothing of it was lost, and none is left to
    // claim even once every lease has run out.
    const dayLater = new Date(t + 86_400_000).toISOString();
    const hooks = await server.internals.store.claimPendingWebhooks(dayLater, { owner: 'probe', until: dayLater }, 10);
    expect(hooks).toEqual([]);

    // Not due yet: nothing is asked.
    await server.internals.sink.retryDueMedia();
    expect(mediaRequests('7001')).toBe(1);

    // Graph has it now; a minute later the retry fetches it and the rep's view updates.
    wa.media.set('7001', { id: '7001', bytes: PNG, mimeType: 'image/png', fileName: null });
    t += 61_000;
    await server.internals.sink.retryDueMedia();
    expect(mediaRequests('7001')).toBe(2);
    const updated = await stream.until(
      () =>
        stream.events.find(
          (e) =>
            e.event.type === 'message.upserted' &&
            e.event.message.id === messages[0].id &&
            !e.event.message.attachment?.unavailable,
        ),
      5000,
      'the updated message',
    );
    expect((updated.event as any).message).toMatchObject({
      caption: 'Is this the one?',
      attachment: { id: attachmentId, mimeType: 'image/png', kind: 'image', size: PNG.length },
    });
    const file = await fetch(`${server.url}/api/v1/attachments/${attachmentId}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PNG);
    stream.close();
  });

  it('stops retrying after the bounded tries ("gave_up"), and still fetches on demand', async () => {
    const admin = await signIn(server, 'admin@converse.demo');
    await arrive('5511987650002', 'wamid.nomedia2', '7002');
    for (let i = 0; i < 4; i++) {
      t += 61_000;
      await server.internals.sink.retryDueMedia();
    }
    // The first try and two retries; no more.
    expect(mediaRequests('7002')).toBe(3);
    const lead = (await server.internals.store.leadByPhone('+5511987650002'))!;
    const page = async () =>
      (
        await api(
          server,
          'GET',
          `/conversations/${encodeURIComponent(conversationIdOf(lead.id, 'whatsapp'))}/messages?limit=10`,
          admin,
        )
      ).body.messages as any[];
    const [m] = await page();
    expect(m.attachment.unavailable).toBe('gave_up');

    // On demand: the rep's download asks the provider again; 503 while it still will not hand it over.
    const download = () =>
      fetch(`${server.url}/api/v1/attachments/${m.attachment.id}`, { headers: { authorization: `Bearer ${admin}` } });
    const refused = await download();
    expect([refused.status, ((await refused.json()) as any).error.code]).toEqual([503, 'media_unavailable']);
    expect(mediaRequests('7002')).toBe(4);
    wa.media.set('7002', { id: '7002', bytes: PNG, mimeType: 'image/png', fileName: null });
    const served = await download();
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
    const [after] = await page();
    expect(after.attachment).toMatchObject({ size: PNG.length, kind: 'image' });
    expect(after.attachment.unavailable).toBeUndefined();
  });
});
