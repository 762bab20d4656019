// POST /webhooks/ringcentral and /webhooks/ctm end to end against the fakes.
import Fastify from 'fastify';
import { startHarness, type Harness } from './harness';
import { MemorySink } from './memory-sink';
import { createConnectors } from '../../server/channels/index';
import { registerWebhookRoutes } from '../../server/channels/webhooks';
import { readChannelSettings } from '../../server/channels/settings';
import { rcInstantSms, rcMessageStoreEvent, RC_FROM } from '../fakes/ringcentral';
import { startFakeCtm, CTM_ACCOUNT, CTM_FROM, CTM_KEY, CTM_SECRET, CTM_WEBHOOK_SECRET } from '../fakes/ctm';

const GIF = new Uint8Array(
  Buffer.from('47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex'),
);
const PNG = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));

describe('RingCentral webhooks', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  const hook = () => `${h.url}/webhooks/ringcentral`;
  const post = async (body: unknown, headers?: Record<string, string>) => {
    const r = await h.rc.sendWebhook(hook(), body, headers);
    await h.processing.idle();
    return r;
  };

  it('echoes Validation-Token when the subscription is created, storing nothing', async () => {
    const res = await fetch(hook(), { method: 'POST', headers: { 'validation-token': 'a1b2c3' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('validation-token')).toBe('a1b2c3');
    expect(h.sink.webhooks.size).toBe(0);
  });

  it('refuses a wrong or missing verification token with 401, storing nothing', async () => {
    expect(
      (await post(rcInstantSms({ id: '1', from: '+14155550134', text: 'hi' }), { 'verification-token': 'guess' }))
        .status,
    ).toBe(401);
    expect((await post(rcInstantSms({ id: '1', from: '+14155550134', text: 'hi' }), {})).status).toBe(401);
    expect(h.sink.webhooks.size).toBe(0);
  });

  it('stores an inbound SMS once, however often it is delivered', async () => {
    const event = rcInstantSms({ id: '4567001', from: '+14155550134', text: 'STOP' });
    expect((await post(event)).status).toBe(200);
    await post(event);
    expect(h.sink.inboundMessages.size).toBe(1);
    const [m] = [...h.sink.inboundMessages.values()];
    expect(m.msg).toMatchObject({
      provider: 'ringcentral',
      channel: 'sms',
      providerMessageId: '4567001',
      from: '+14155550134',
      to: RC_FROM,
      body: 'STOP',
      media: null,
    });
    // The stored headers keep no credentials.
    expect([...h.sink.webhooks.values()][0].saved.headers['verification-token']).toBeUndefined();
  });

  it('stores an inbound MMS, one message per attachment, with the files fetched', async () => {
    const a = h.rc.hostAttachment(GIF, 'image/gif');
    const b = h.rc.hostAttachment(PNG, 'image/png');
    await post(
      rcInstantSms({
        id: '4567002',
        from: '+14155550178',
        text: 'Photos of the lot',
        attachments: [
          { uri: a, contentType: 'image/gif', size: GIF.length },
          { uri: b, contentType: 'image/png', size: PNG.length },
        ],
      }),
    );
    const stored = [...h.sink.inboundMessages.values()];
    expect(stored.map((m) => [m.msg.providerMessageId, m.msg.body, m.media?.mimeType])).toEqual([
      ['4567002', 'Photos of the lot', 'image/gif'],
      ['4567002#2', '', 'image/png'],
    ]);
    expect(stored[0].media?.bytes).toEqual(GIF);
    expect(stored[1].media?.bytes).toEqual(PNG);
  });

  it('reads statuses back when the message store says messages changed', async () => {
    const sms = h.connectors.sms!;
    const one = (await sms.send({ messageId: 'm1', to: '+14155550134', body: 'a' })) as {
      ok: true;
      providerMessageId: string;
      status: 'queued';
    };
    const two = (await sms.send({ messageId: 'm2', to: '+14155550178', body: 'b' })) as {
      ok: true;
      providerMessageId: string;
      status: 'queued';
    };
    h.sink.recordSend('ringcentral', one.providerMessageId, one.status);
    h.sink.recordSend('ringcentral', two.providerMessageId, two.status);
    h.rc.setStatus(one.providerMessageId, 'Delivered');
    h.rc.setStatus(two.providerMessageId, 'DeliveryFailed', 'SMS-CAR-411');
    expect((await post(rcMessageStoreEvent({ lastUpdated: new Date(), updatedCount: 2 }))).status).toBe(200);
    expect(h.sink.get('ringcentral', one.providerMessageId)?.status).toBe('delivered');
    expect(h.sink.get('ringcentral', two.providerMessageId)).toMatchObject({
      status: 'failed',
      error: { providerCode: 'SMS-CAR-411' },
    });
    const reads = h.rc.requests.filter((r) => r.method === 'GET').map((r) => `${r.path}?${r.query}`);
    expect(reads.some((p) => p.includes('/message-store?') && p.includes('direction=Outbound'))).toBe(true);
  });

  it('reads each new message id back one by one', async () => {
    const sent = (await h.connectors.sms!.send({ messageId: 'm3', to: '+14155550134', body: 'c' })) as {
      providerMessageId: string;
    };
    h.rc.setStatus(sent.providerMessageId, 'Sent');
    // The event may beat the send's answer: the status waits for the provider id.
    await post(rcMessageStoreEvent({ lastUpdated: new Date(), newMessageIds: [sent.providerMessageId] }));
    expect(h.rc.requests.at(-1)?.path).toBe(
      `/restapi/v1.0/account/~/extension/~/message-store/${sent.providerMessageId}`,
    );
    expect(h.sink.recordSend('ringcentral', sent.providerMessageId, 'queued').status).toBe('sent');
  });

  it('records a malformed notification as processed with an error', async () => {
    await post({
      uuid: 'u',
      event: '/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS',
      body: { id: 5, direction: 'Inbound' },
    });
    const [w] = [...h.sink.webhooks.values()];
    expect(w.processed).toBe(true);
    expect(w.error).toMatch(/instant SMS: /);
    expect(h.sink.inboundMessages.size).toBe(0);
  });
});

describe('CTM webhooks (assumed shapes)', () => {
  it('authenticate by the shared secret (header or ?secret=), store texts and statuses', async () => {
    const ctm = await startFakeCtm();
    const settings = readChannelSettings({
      CONVERSE_SMS_CONNECTOR: 'ctm',
      CTM_API_BASE_URL: ctm.url,
      CTM_ACCOUNT_ID: CTM_ACCOUNT,
      CTM_ACCESS_KEY: CTM_KEY,
      CTM_SECRET_KEY: CTM_SECRET,
      CTM_FROM_NUMBER: CTM_FROM,
      CTM_WEBHOOK_SECRET,
    });
    const sink = new MemorySink();
    const connectors = createConnectors(settings);
    const app = Fastify();
    const processing = registerWebhookRoutes(app, { sink, settings, connectors });
    const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/webhooks/ctm`;
    try {
      const inbound = {
        type: 'text.received',
        id: 'SMS900',
        from: '+1 (415) 555-0134',
        to: CTM_FROM,
        body: 'Is it still available?',
        media: [{ url: ctm.hostMedia(GIF, 'image/gif'), content_type: 'image/gif' }],
        created_at: '2026-11-24T18:00:00Z',
      };
      expect((await ctm.sendWebhook(url, inbound, 'wrong')).status).toBe(401);
      expect((await ctm.sendWebhook(url, inbound, null)).status).toBe(401);
      expect(sink.webhooks.size).toBe(0);
      expect((await ctm.sendWebhook(url, inbound)).status).toBe(200);
      expect((await ctm.sendWebhook(`${url}?secret=${CTM_WEBHOOK_SECRET}`, inbound, null)).status).toBe(200);
      await processing.idle();
      const [m] = [...sink.inboundMessages.values()];
      expect(sink.inboundMessages.size).toBe(1);
      expect(m.msg).toMatchObject({
        provider: 'ctm',
        from: '+14155550134',
        to: CTM_FROM,
        body: 'Is it still available?',
      });
      expect(m.media?.bytes).toEqual(GIF);

      const sent = (await connectors.sms!.send({ messageId: 'm', to: '+14155550134', body: 'Yes!' })) as {
        providerMessageId: string;
      };
      sink.recordSend('ctm', sent.providerMessageId);
      await ctm.sendWebhook(url, {
        events: [
          { type: 'text.status', id: sent.providerMessageId, status: 'delivered', updated_at: '2026-11-24T18:01:00Z' },
          { type: 'text.status', id: sent.providerMessageId, status: 'sent', updated_at: '2026-11-24T18:00:30Z' },
        ],
      });
      await processing.idle();
      expect(sink.get('ctm', sent.providerMessageId)?.status).toBe('delivered');
    } finally {
      await processing.idle();
      await app.close();
      await ctm.close();
    }
  });
});

describe('unconfigured providers', () => {
  it('answer 404 channel_not_configured on the sandbox set-up', async () => {
    const app = Fastify();
    registerWebhookRoutes(app, {
      sink: new MemorySink(),
      settings: readChannelSettings({}),
      connectors: { whatsappCloud: null, ringcentral: null, ctm: null },
    });
    for (const path of ['/webhooks/whatsapp', '/webhooks/ringcentral', '/webhooks/ctm']) {
      const res = await app.inject({
        method: 'POST',
        url: path,
        payload: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect([res.statusCode, res.json().error.code]).toEqual([404, 'channel_not_configured']);
    }
    await app.close();
  });
});
