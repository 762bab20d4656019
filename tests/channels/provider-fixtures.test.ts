// Every webhook and connector schema against the providers' documented sample payloads
// (tests/channels/fixtures/, sent as their raw bytes): each sample is understood, its ids arrive
// exactly (a 19-digit RingCentral id is not rounded through a float), unknown fields are ignored,
// and nothing is reported as a problem.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { startHarness, type Harness } from './harness';
import { MemorySink } from './memory-sink';
import { createConnectors } from '../../server/channels/index';
import { registerWebhookRoutes } from '../../server/channels/webhooks';
import { readChannelSettings } from '../../server/channels/settings';
import { quoteIdNumbers, parseProviderJson } from '../../server/channels/provider-json';
import { RC_VERIFICATION_TOKEN } from '../fakes/ringcentral';
import { startFakeCtm, CTM_ACCOUNT, CTM_KEY, CTM_SECRET, CTM_WEBHOOK_SECRET } from '../fakes/ctm';

const fixture = (name: string): string => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const PNG = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));

describe('provider JSON keeps ids exactly', () => {
  it('quotes integer ids (fields and id lists) and leaves every other value alone', () => {
    const raw =
      '{"id": 4178398077955743750, "x": {"newMessageIds": [1234567890123456789, 5], "count": 12, "s": "a\\"b: 7, [8"}, "size": 2.5, "rows": [{"ownerId": 9}]}';
    expect(parseProviderJson(raw)).toEqual({
      id: '4178398077955743750',
      x: { newMessageIds: ['1234567890123456789', '5'], count: 12, s: 'a"b: 7, [8' },
      size: 2.5,
      rows: [{ ownerId: '9' }],
    });
    expect(quoteIdNumbers('{"count": 3}')).toBe('{"count": 3}');
    expect(() => parseProviderJson('{"id": ')).toThrow(SyntaxError);
  });
});

describe('WhatsApp Cloud API webhook samples', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  const post = async (name: string) => {
    const res = await h.wa.sendWebhook(`${h.url}/webhooks/whatsapp`, fixture(name));
    expect(res.status).toBe(200);
    await h.processing.idle();
    const [hook] = [...h.sink.webhooks.values()];
    return hook;
  };
  const only = () => {
    expect(h.sink.inboundMessages.size).toBe(1);
    return [...h.sink.inboundMessages.values()][0];
  };

  it.each([
    ['whatsapp-text.json', 'Does it come in another color?'],
    ['whatsapp-location.json', '📍 Meta Headquarters, 1 Hacker Way, Menlo Park, CA 94025 (37.483307, -122.148981)'],
    ['whatsapp-contacts.json', '👤 Kerry Fisher +1 (650) 555-1234'],
    ['whatsapp-interactive-button-reply.json', 'Change'],
    ['whatsapp-interactive-list-reply.json', 'Express Shipping'],
    ['whatsapp-button.json', 'Unsubscribe from Promos'],
    ['whatsapp-unsupported.json', '[unsupported message: Message type unknown]'],
  ])('%s becomes a message the rep can read', async (name, body) => {
    const hook = await post(name);
    expect(hook.error).toBeNull();
    expect(only().msg).toMatchObject({
      provider: 'whatsapp',
      channel: 'whatsapp',
      from: '+16315551234',
      to: '+15550783881',
      body,
      profileName: 'Kerry Fisher',
      media: null,
    });
  });

  it.each([
    ['whatsapp-image.json', '1003383421387256', 'image/jpeg', 'This is the red one', null],
    ['whatsapp-document.json', '1003383421387257', 'application/pdf', 'Quote for the lot', 'quote.pdf'],
    ['whatsapp-audio.json', '1003383421387258', 'audio/ogg', null, null],
    ['whatsapp-video.json', '1003383421387259', 'video/mp4', 'Walkaround', null],
    ['whatsapp-sticker.json', '1003383421387260', 'image/webp', null, null],
  ])('%s brings its file, fetched by the media id', async (name, mediaId, mimeType, caption, fileName) => {
    h.wa.media.set(mediaId, { id: mediaId, bytes: PNG, mimeType, fileName: null });
    const hook = await post(name);
    expect(hook.error).toBeNull();
    const m = only();
    expect(m.msg).toMatchObject({ body: '', from: '+16315551234' });
    expect(m.media).toEqual({ bytes: PNG, mimeType, caption, fileName });
  });

  it('a reaction is not a message, and not a problem', async () => {
    const hook = await post('whatsapp-reaction.json');
    expect(hook.error).toBeNull();
    expect(h.sink.inboundMessages.size).toBe(0);
  });

  it('status samples (sent, delivered, read, failed with its error) move our message', async () => {
    const wamid = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA';
    h.sink.recordSend('whatsapp', wamid, 'queued');
    for (const name of ['whatsapp-status-sent.json', 'whatsapp-status-failed.json']) {
      await h.wa.sendWebhook(`${h.url}/webhooks/whatsapp`, fixture(name));
    }
    await h.processing.idle();
    expect(h.sink.get('whatsapp', wamid)).toMatchObject({
      status: 'failed',
      error: { code: 'whatsapp_window_closed', providerCode: '131047' },
    });
    for (const name of ['whatsapp-status-delivered.json', 'whatsapp-status-read.json']) {
      await h.wa.sendWebhook(`${h.url}/webhooks/whatsapp`, fixture(name));
    }
    await h.processing.idle();
    expect(h.sink.get('whatsapp', wamid)?.status).toBe('read');
    expect([...h.sink.webhooks.values()].map((w) => w.error)).toEqual([null, null, null, null]);
  });
});

describe('RingCentral samples', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  const postRaw = async (text: string) => {
    const res = await fetch(`${h.url}/webhooks/ringcentral`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'verification-token': RC_VERIFICATION_TOKEN },
      body: text,
    });
    expect(res.status).toBe(200);
    await h.processing.idle();
  };

  it('the documented send answer (19-digit numeric conversationId) is a sent message, not a failure', async () => {
    h.rc.failNext(
      { status: 200, bytes: Buffer.from(fixture('ringcentral-send-response.json')), contentType: 'application/json' },
      1,
    );
    const outcome = await h.connectors.sms!.send({
      messageId: 'm1',
      to: '+16505550100',
      body: 'Test SMS message from Platform server',
    });
    expect(outcome).toEqual({ ok: true, providerMessageId: '1724099032020', status: 'queued' });
  });

  it('the documented instant SMS (relative uri on its Text part) is stored with its text', async () => {
    await postRaw(fixture('ringcentral-instant-sms.json'));
    const [hook] = [...h.sink.webhooks.values()];
    expect(hook.error).toBeNull();
    expect([...h.sink.inboundMessages.values()].map((m) => m.msg)).toMatchObject([
      {
        provider: 'ringcentral',
        channel: 'sms',
        providerMessageId: '1724099154020',
        from: '+16505550111',
        to: '+14155550100',
        body: 'Is the 2-bedroom still available?',
        media: null,
      },
    ]);
  });

  it('an MMS file without an absolute uri is reported; the text still arrives', async () => {
    const sample = JSON.parse(fixture('ringcentral-instant-sms.json'));
    sample.body.attachments.push({ id: '99', type: 'MmsAttachment', contentType: 'image/png', uri: 'content/99' });
    await postRaw(JSON.stringify(sample));
    const [hook] = [...h.sink.webhooks.values()];
    expect(hook.error).toMatch(/attachment 1: uri/);
    expect([...h.sink.inboundMessages.values()].map((m) => m.msg.body)).toEqual(['Is the 2-bedroom still available?']);
  });

  it('the documented "messages changed" event reads statuses back', async () => {
    const sent = (await h.connectors.sms!.send({ messageId: 'm2', to: '+16505550100', body: 'hello' })) as {
      ok: true;
      providerMessageId: string;
    };
    h.sink.recordSend('ringcentral', sent.providerMessageId, 'queued');
    h.rc.setStatus(sent.providerMessageId, 'Delivered');
    const sample = fixture('ringcentral-message-store.json').replace(
      '2026-11-29T14:22:59.000Z',
      new Date().toISOString(),
    );
    await postRaw(sample);
    expect([...h.sink.webhooks.values()][0].error).toBeNull();
    expect(h.sink.get('ringcentral', sent.providerMessageId)?.status).toBe('delivered');
  });
});

describe('CTM samples (shapes as providers.md and ctm-shapes.ts assume them)', () => {
  it('numeric ids arrive exactly; inbound texts and statuses are understood', async () => {
    const ctm = await startFakeCtm();
    const sink = new MemorySink();
    const settings = readChannelSettings({
      CONVERSE_SMS_CONNECTOR: 'ctm',
      CTM_API_BASE_URL: ctm.url,
      CTM_ACCOUNT_ID: CTM_ACCOUNT,
      CTM_ACCESS_KEY: CTM_KEY,
      CTM_SECRET_KEY: CTM_SECRET,
      CTM_FROM_NUMBER: '+14155550199',
      CTM_WEBHOOK_SECRET,
    });
    const app = Fastify();
    const processing = registerWebhookRoutes(app, { sink, settings, connectors: createConnectors(settings) });
    const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/webhooks/ctm`;
    try {
      sink.recordSend('ctm', '9123456789012345679', 'sent');
      sink.recordSend('ctm', '9123456789012345680', 'sent');
      for (const name of ['ctm-text-received.json', 'ctm-text-status.json']) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-ctm-webhook-secret': CTM_WEBHOOK_SECRET },
          body: fixture(name),
        });
        expect(res.status).toBe(200);
      }
      await processing.idle();
      expect([...sink.webhooks.values()].map((w) => w.error)).toEqual([null, null]);
      expect([...sink.inboundMessages.values()].map((m) => m.msg)).toMatchObject([
        {
          provider: 'ctm',
          providerMessageId: '9123456789012345678',
          from: '+16505550122',
          body: 'Can I come by at 5?',
        },
      ]);
      expect(sink.get('ctm', '9123456789012345679')?.status).toBe('delivered');
      expect(sink.get('ctm', '9123456789012345680')).toMatchObject({
        status: 'failed',
        error: { providerCode: '30003' },
      });
    } finally {
      await processing.idle();
      await app.close();
      await ctm.close();
    }
  });
});
