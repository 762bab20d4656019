// RingCentral and CTM connectors against their local fakes.
import { createRingCentralConnector } from '../../server/channels/ringcentral';
import { createCtmConnector } from '../../server/channels/ctm';
import { readChannelSettings } from '../../server/channels/settings';
import { ErrorCode } from '../../shared/error-codes';
import { ATTACHMENT_POLICIES } from '../../shared/attachment-policy';
import {
  startFakeRingCentral,
  RC_FROM,
  RC_TOKEN,
  RC_VERIFICATION_TOKEN,
  type FakeRingCentral,
} from '../fakes/ringcentral';
import {
  startFakeCtm,
  CTM_ACCOUNT,
  CTM_FROM,
  CTM_KEY,
  CTM_SECRET,
  CTM_WEBHOOK_SECRET,
  type FakeCtm,
} from '../fakes/ctm';
import { jsonOf } from '../fakes/http-fake';
import { until } from '../support/eventually';

const GIF = new Uint8Array(
  Buffer.from('47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex'),
);

describe('RingCentral connector', () => {
  let fake: FakeRingCentral;
  beforeEach(async () => {
    fake = await startFakeRingCentral();
  });
  afterEach(async () => {
    await fake.close();
  });
  const connector = () =>
    createRingCentralConnector(
      readChannelSettings({
        CONVERSE_SMS_CONNECTOR: 'ringcentral',
        RINGCENTRAL_SERVER_URL: fake.url,
        RINGCENTRAL_ACCESS_TOKEN: RC_TOKEN,
        RINGCENTRAL_FROM_NUMBER: '(415) 555-0100',
        RINGCENTRAL_VERIFICATION_TOKEN: RC_VERIFICATION_TOKEN,
      }).ringcentral!,
    );

  it('sends an SMS as the documented JSON and maps Queued', async () => {
    const c = connector();
    expect(c.businessNumber).toBe(RC_FROM);
    const out = await c.send({ messageId: 'm1', to: '+14155550134', body: 'Hi Maria' });
    expect(out).toEqual({ ok: true, providerMessageId: [...fake.records.keys()][0], status: 'queued' });
    expect(fake.requests[0].path).toBe('/restapi/v1.0/account/~/extension/~/sms');
    expect(jsonOf(fake.requests[0])).toEqual({
      from: { phoneNumber: RC_FROM },
      to: [{ phoneNumber: '+14155550134' }],
      text: 'Hi Maria',
    });
  });

  it('sends an MMS as multipart with the JSON part and the attachment', async () => {
    const out = await connector().send({
      messageId: 'm2',
      to: '+14155550134',
      body: 'Our office',
      media: { bytes: GIF, mimeType: 'image/gif', fileName: 'office.gif', kind: 'image' },
    });
    expect(out.ok).toBe(true);
    const id = (out as { providerMessageId: string }).providerMessageId;
    expect(fake.records.get(id)?.subject).toBe('Our office');
    expect(fake.sentFiles.get(id)).toEqual([{ bytes: GIF, contentType: 'image/gif', name: 'office.gif' }]);
  });

  it('every type of the RingCentral attachment table goes out as MMS; others are refused', async () => {
    const c = connector();
    for (const t of ATTACHMENT_POLICIES.ringcentral.types) {
      expect(t.maxBytes).toBeLessThanOrEqual(1.5 * 1024 * 1024);
      const out = await c.send({
        messageId: t.mimeType,
        to: '+14155550134',
        body: '',
        media: { bytes: GIF, mimeType: t.mimeType, fileName: `f.${t.extensions[0]}`, kind: t.kind },
      });
      expect({ type: t.mimeType, ok: out.ok }).toEqual({ type: t.mimeType, ok: true });
    }
    const exe = await c.send({
      messageId: 'exe',
      to: '+14155550134',
      body: '',
      media: { bytes: GIF, mimeType: 'application/x-msdownload', fileName: 'a.exe', kind: 'document' },
    });
    expect(exe).toMatchObject({ ok: false, retryable: false, providerCode: 'MSG-367' });
  });

  it('reads a message back and maps every status', async () => {
    const c = connector();
    const out = await c.send({ messageId: 'm3', to: '+14155550134', body: 'x' });
    const id = (out as { providerMessageId: string }).providerMessageId;
    const cases = [
      ['Queued', 'queued'],
      ['Sent', 'sent'],
      ['Delivered', 'delivered'],
      ['SendingFailed', 'failed'],
      ['DeliveryFailed', 'failed'],
    ] as const;
    for (const [rc, ours] of cases) {
      fake.setStatus(id, rc, rc.endsWith('Failed') ? 'SMS-CAR-411' : undefined);
      const s = await c.fetchStatus(id);
      expect(s).toMatchObject({ provider: 'ringcentral', providerMessageId: id, status: ours });
      if (ours === 'failed')
        expect(s?.error).toMatchObject({ code: ErrorCode.PROVIDER_ERROR, providerCode: 'SMS-CAR-411' });
    }
    await expect(c.fetchStatus('999')).rejects.toThrow(/HTTP 404/);
  });

  it('lists messages changed since a time', async () => {
    const c = connector();
    const a = (await c.send({ messageId: 'a', to: '+14155550134', body: 'a' })) as { providerMessageId: string };
    const b = (await c.send({ messageId: 'b', to: '+14155550178', body: 'b' })) as { providerMessageId: string };
    const since = new Date(Date.now() + 1);
    await until(() => Date.now() > since.getTime(), { timeoutMs: 1_000, what: 'the clock past `since`' });
    fake.setStatus(b.providerMessageId, 'Delivered');
    const changed = await c.changedSince(since);
    expect(changed.map((u) => [u.providerMessageId, u.status])).toEqual([[b.providerMessageId, 'delivered']]);
    expect(a.providerMessageId).not.toBe(b.providerMessageId);
  });

  it('maps refusals with the provider code; rate limits are retryable', async () => {
    const c = connector();
    fake.failNext({
      status: 429,
      json: { errorCode: 'CMN-301', message: 'Request rate exceeded' },
      headers: { 'retry-after': '3' },
    });
    expect(await c.send({ messageId: 'x', to: '+14155550134', body: 'hi' })).toMatchObject({
      ok: false,
      retryable: true,
      providerCode: 'CMN-301',
      retryAfterMs: 3000,
    });
    fake.failNext({
      status: 400,
      json: {
        errorCode: 'MSG-246',
        message: 'Sending SMS from/to extension numbers is not available',
        errors: [{ errorCode: 'MSG-246', message: 'Sending SMS from/to extension numbers is not available' }],
      },
    });
    expect(await c.send({ messageId: 'y', to: '+14155550134', body: 'hi' })).toMatchObject({
      ok: false,
      retryable: false,
      code: ErrorCode.PROVIDER_ERROR,
      providerCode: 'MSG-246',
    });
    expect(await c.send({ messageId: 'z', to: '+14155550134', body: 'x'.repeat(1001) })).toMatchObject({
      ok: false,
      code: ErrorCode.BODY_TOO_LONG,
    });
  });

  it('fetches attachments only from RingCentral', async () => {
    const c = connector();
    const uri = fake.hostAttachment(GIF, 'image/gif');
    expect(await c.fetchAttachment(uri)).toEqual(GIF);
    await expect(c.fetchAttachment('http://127.0.0.2:9/evil')).rejects.toThrow(/Refusing/);
  });
});

describe('CTM connector (assumed shapes)', () => {
  let fake: FakeCtm;
  beforeEach(async () => {
    fake = await startFakeCtm();
  });
  afterEach(async () => {
    await fake.close();
  });
  const connector = () =>
    createCtmConnector(
      readChannelSettings({
        CONVERSE_SMS_CONNECTOR: 'ctm',
        CTM_API_BASE_URL: fake.url,
        CTM_ACCOUNT_ID: CTM_ACCOUNT,
        CTM_ACCESS_KEY: CTM_KEY,
        CTM_SECRET_KEY: CTM_SECRET,
        CTM_FROM_NUMBER: CTM_FROM,
        CTM_WEBHOOK_SECRET,
      }).ctm!,
    );

  it('sends a text with Basic auth and a picture as multipart', async () => {
    const c = connector();
    expect(await c.send({ messageId: 'm1', to: '+14155550134', body: 'Hi' })).toEqual({
      ok: true,
      providerMessageId: fake.sent[0].id,
      status: 'queued',
    });
    expect(fake.requests[0].headers.authorization).toBe(
      `Basic ${Buffer.from(`${CTM_KEY}:${CTM_SECRET}`).toString('base64')}`,
    );
    expect(fake.sent[0]).toMatchObject({ to: '+14155550134', from: CTM_FROM, msg: 'Hi', media: null });
    expect(
      (
        await c.send({
          messageId: 'm2',
          to: '+14155550134',
          body: '',
          media: { bytes: GIF, mimeType: 'image/gif', fileName: 'a.gif', kind: 'image' },
        })
      ).ok,
    ).toBe(true);
    expect(fake.sent[1].media).toEqual({ bytes: GIF, type: 'image/gif' });
  });

  it('maps refusals and keeps the 800-character limit', async () => {
    const c = connector();
    fake.failNext({ status: 422, json: { error: 'number is not textable', code: 'not_textable' } });
    expect(await c.send({ messageId: 'x', to: '+14155550134', body: 'hi' })).toMatchObject({
      ok: false,
      retryable: false,
      providerCode: 'not_textable',
    });
    fake.failNext({ status: 502, json: { error: 'bad gateway' } });
    expect(await c.send({ messageId: 'y', to: '+14155550134', body: 'hi' })).toMatchObject({
      ok: false,
      retryable: true,
    });
    expect(await c.send({ messageId: 'z', to: '+14155550134', body: 'x'.repeat(801) })).toMatchObject({
      ok: false,
      code: ErrorCode.BODY_TOO_LONG,
    });
  });
});
