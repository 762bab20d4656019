// The WhatsApp Cloud API connector against the local Graph fake.
import { createWhatsAppConnector } from '../../server/channels/whatsapp';
import { readChannelSettings } from '../../server/channels/settings';
import { ErrorCode } from '../../shared/error-codes';
import { ATTACHMENT_POLICIES } from '../../shared/attachment-policy';
import {
  startFakeWhatsApp,
  WA_MEDIA_LIMITS,
  WA_APP_SECRET,
  WA_PHONE_NUMBER_ID,
  WA_TOKEN,
  WA_VERIFY_TOKEN,
  type FakeWhatsApp,
} from '../fakes/whatsapp-graph';
import { parseMultipart } from '../fakes/http-fake';

let fake: FakeWhatsApp;
const connector = (token = WA_TOKEN) =>
  createWhatsAppConnector(
    readChannelSettings({
      CONVERSE_WHATSAPP_CONNECTOR: 'whatsapp',
      WHATSAPP_API_BASE_URL: `${fake.url}/`,
      WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_NUMBER_ID,
      WHATSAPP_ACCESS_TOKEN: token,
      WHATSAPP_APP_SECRET: WA_APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: WA_VERIFY_TOKEN,
    }).whatsapp!,
  );

beforeEach(async () => {
  fake = await startFakeWhatsApp();
});
afterEach(async () => {
  await fake.close();
});

const PNG = new Uint8Array(
  Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b6fa7a0000000049454e44ae426082',
    'hex',
  ),
);

describe('WhatsApp connector', () => {
  it('sends text as the documented body and returns messages[0].id', async () => {
    const out = await connector().send({ messageId: 'm1', to: '+14155550134', body: 'Hola Maria 👋' });
    expect(out).toEqual({ ok: true, providerMessageId: fake.sent[0].id, status: 'queued' });
    expect(fake.sent[0].body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '14155550134',
      type: 'text',
      text: { body: 'Hola Maria 👋', preview_url: false },
    });
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${WA_TOKEN}`);
    expect(fake.requests[0].path).toBe(`/${WA_PHONE_NUMBER_ID}/messages`);
  });

  it('builds the template payload with body parameters', async () => {
    const out = await connector().send({
      messageId: 'm2',
      to: '+14155550134',
      body: 'Hi Maria, your visit is Friday',
      template: { name: 'visit_reminder', language: 'en_US', params: ['Maria', 'Friday'] },
    });
    expect(out.ok).toBe(true);
    expect(fake.sent[0].body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '14155550134',
      type: 'template',
      template: {
        name: 'visit_reminder',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Maria' },
              { type: 'text', text: 'Friday' },
            ],
          },
        ],
      },
    });
  });

  it('uploads media to /{PHONE_NUMBER_ID}/media first, then sends it by id with its caption', async () => {
    const out = await connector().send({
      messageId: 'm3',
      to: '+14155550134',
      body: '',
      caption: 'The floor plan',
      media: { bytes: PNG, mimeType: 'image/png', fileName: 'plan.png', kind: 'image' },
    });
    expect(out.ok).toBe(true);
    const [upload, send] = fake.requests;
    expect(upload.path).toBe(`/${WA_PHONE_NUMBER_ID}/media`);
    const form = await parseMultipart(upload);
    expect(form.get('messaging_product')).toBe('whatsapp');
    expect(form.get('type')).toBe('image/png');
    expect(new Uint8Array(await (form.get('file') as Blob).arrayBuffer())).toEqual(PNG);
    expect(send.path).toBe(`/${WA_PHONE_NUMBER_ID}/messages`);
    const mediaId = [...fake.media.keys()][0];
    expect(fake.sent[0].body).toMatchObject({ type: 'image', image: { id: mediaId, caption: 'The floor plan' } });
  });

  it('sends a document with its file name and refuses a caption on audio', async () => {
    const c = connector();
    const pdf = new TextEncoder().encode('%PDF-1.4\n%âãÏÓ\n');
    expect(
      (
        await c.send({
          messageId: 'm4',
          to: '+14155550134',
          body: '',
          media: { bytes: pdf, mimeType: 'application/pdf', fileName: 'quote.pdf', kind: 'document' },
        })
      ).ok,
    ).toBe(true);
    expect(fake.sent[0].body).toMatchObject({ type: 'document', document: { filename: 'quote.pdf' } });
    const audio = await c.send({
      messageId: 'm5',
      to: '+14155550134',
      body: '',
      caption: 'listen',
      media: { bytes: pdf, mimeType: 'audio/mpeg', fileName: 'a.mp3', kind: 'audio' },
    });
    expect(audio).toMatchObject({ ok: false, retryable: false, code: ErrorCode.CAPTION_NOT_ALLOWED });
    expect(fake.sent).toHaveLength(1);
  });

  it('every type of the WhatsApp attachment table uploads and sends, within the documented limits', async () => {
    const c = connector();
    for (const t of ATTACHMENT_POLICIES.whatsapp.types) {
      const wire = t.mimeType === 'audio/x-aac' ? 'audio/aac' : t.mimeType;
      expect(t.maxBytes).toBeLessThanOrEqual(WA_MEDIA_LIMITS[wire]);
      const out = await c.send({
        messageId: t.mimeType,
        to: '+14155550134',
        body: '',
        media: { bytes: PNG, mimeType: t.mimeType, fileName: `f.${t.extensions[0]}`, kind: t.kind },
      });
      expect({ type: t.mimeType, ok: out.ok }).toEqual({ type: t.mimeType, ok: true });
    }
    expect(fake.sent).toHaveLength(ATTACHMENT_POLICIES.whatsapp.types.length);
    const gif = await c.send({
      messageId: 'gif',
      to: '+14155550134',
      body: '',
      media: { bytes: PNG, mimeType: 'image/gif', fileName: 'a.gif', kind: 'image' },
    });
    expect(gif).toMatchObject({ ok: false, retryable: false, providerCode: '131053' });
  });

  it('maps Graph errors: window closed is final, throttling and 5xx are retryable, with the provider code', async () => {
    const c = connector();
    fake.failNext({
      status: 400,
      json: {
        error: {
          message: 'Re-engagement message',
          type: 'OAuthException',
          code: 131047,
          error_data: {
            messaging_product: 'whatsapp',
            details:
              'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          },
          fbtrace_id: 'x',
        },
      },
    });
    expect(await c.send({ messageId: 'a', to: '+14155550134', body: 'hi' })).toMatchObject({
      ok: false,
      retryable: false,
      code: ErrorCode.WHATSAPP_WINDOW_CLOSED,
      providerCode: '131047',
    });
    fake.failNext({
      status: 400,
      json: { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, fbtrace_id: 'x' } },
    });
    expect(await c.send({ messageId: 'b', to: '+14155550134', body: 'hi' })).toMatchObject({
      ok: false,
      retryable: true,
      providerCode: '130429',
    });
    fake.failNext({
      status: 503,
      bytes: new TextEncoder().encode('<html>down</html>'),
      contentType: 'text/html',
      headers: { 'retry-after': '2' },
    });
    expect(await c.send({ messageId: 'c', to: '+14155550134', body: 'hi' })).toMatchObject({
      ok: false,
      retryable: true,
      code: ErrorCode.PROVIDER_ERROR,
      retryAfterMs: 2000,
    });
    expect(await connector('wrong-token').send({ messageId: 'd', to: '+14155550134', body: 'hi' })).toMatchObject({
      ok: false,
      retryable: false,
      code: ErrorCode.CHANNEL_NOT_CONFIGURED,
      providerCode: '190',
    });
  });

  it('treats an unreachable provider as retryable and refuses over-long text before calling', async () => {
    const c = connector();
    expect(await c.send({ messageId: 'e', to: '+14155550134', body: 'x'.repeat(4097) })).toMatchObject({
      ok: false,
      retryable: false,
      code: ErrorCode.BODY_TOO_LONG,
    });
    expect(fake.requests).toHaveLength(0);
    await fake.close();
    expect(await c.send({ messageId: 'f', to: '+14155550134', body: 'hi' })).toMatchObject({
      ok: false,
      retryable: true,
      code: ErrorCode.PROVIDER_ERROR,
    });
    fake = await startFakeWhatsApp();
  });

  it('downloads inbound media: media id → url → bytes, with the bearer token', async () => {
    const id = fake.addMedia(PNG, 'image/png');
    const got = await connector().fetchMedia(id);
    expect(got).toEqual({ bytes: PNG, mimeType: 'image/png' });
    expect(fake.requests.map((r) => r.path)).toEqual([`/${id}`, `/download/${id}`]);
    expect(fake.requests.every((r) => r.headers.authorization === `Bearer ${WA_TOKEN}`)).toBe(true);
    await expect(connector().fetchMedia('404404')).rejects.toThrow(/HTTP 400/);
  });
});
