// Channel settings and retry/backoff.
import { readChannelSettings, ChannelSettingsError } from '../../server/channels/settings';
import { backoffDelay, sendWithRetry, withRetry } from '../../server/channels/retry';
import type { Connector, SendOutcome } from '../../server/channels/connector';

describe('readChannelSettings', () => {
  it('defaults both channels to the sandbox and needs no provider settings then', () => {
    expect(readChannelSettings({})).toEqual({
      smsConnector: 'sandbox',
      whatsappConnector: 'sandbox',
      whatsapp: null,
      ringcentral: null,
      ctm: null,
    });
  });

  it('names every missing setting of the selected provider', () => {
    try {
      readChannelSettings({
        CONVERSE_SMS_CONNECTOR: 'ringcentral',
        RINGCENTRAL_SERVER_URL: 'https://platform.ringcentral.com',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ChannelSettingsError);
      const e = err as ChannelSettingsError;
      expect(e.settings.sort()).toEqual([
        'RINGCENTRAL_ACCESS_TOKEN',
        'RINGCENTRAL_FROM_NUMBER',
        'RINGCENTRAL_VERIFICATION_TOKEN',
      ]);
      expect(e.message).toMatch(/RINGCENTRAL_ACCESS_TOKEN is missing/);
    }
  });

  it('rejects an unknown connector and malformed values with the setting name', () => {
    expect(() => readChannelSettings({ CONVERSE_SMS_CONNECTOR: 'twilio' })).toThrow(
      /CONVERSE_SMS_CONNECTOR is "twilio"; it must be one of sandbox, ringcentral, ctm/,
    );
    expect(() => readChannelSettings({ CONVERSE_WHATSAPP_CONNECTOR: 'ringcentral' })).toThrow(
      /CONVERSE_WHATSAPP_CONNECTOR/,
    );
    expect(() =>
      readChannelSettings({
        CONVERSE_SMS_CONNECTOR: 'ctm',
        CTM_API_BASE_URL: 'not a url',
        CTM_ACCOUNT_ID: '1',
        CTM_ACCESS_KEY: 'k',
        CTM_SECRET_KEY: 's',
        CTM_FROM_NUMBER: '12',
        CTM_WEBHOOK_SECRET: 'w',
      }),
    ).toThrow(/CTM_API_BASE_URL must be an http\(s\) URL.*CTM_FROM_NUMBER must be a phone number/);
  });

  it('parses WhatsApp settings and trims the base URL', () => {
    const s = readChannelSettings({
      CONVERSE_WHATSAPP_CONNECTOR: 'WhatsApp',
      WHATSAPP_API_BASE_URL: 'https://graph.facebook.com/v21.0/',
      WHATSAPP_PHONE_NUMBER_ID: '1065',
      WHATSAPP_ACCESS_TOKEN: 't',
      WHATSAPP_APP_SECRET: 's',
      WHATSAPP_VERIFY_TOKEN: 'v',
    });
    expect(s.whatsapp).toMatchObject({
      apiBaseUrl: 'https://graph.facebook.com/v21.0',
      phoneNumberId: '1065',
      businessNumber: null,
    });
  });
});

describe('retry with backoff', () => {
  const fail = (retryable: boolean, retryAfterMs?: number): SendOutcome => ({
    ok: false,
    retryable,
    code: 'provider_error',
    message: 'no',
    retryAfterMs,
  });
  const okOutcome: SendOutcome = { ok: true, providerMessageId: 'p1', status: 'sent' };

  it('backs off exponentially with full jitter, capped, and honours Retry-After', () => {
    const o = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, o))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, { ...o, random: () => 0 })).toBe(0);
    expect(backoffDelay(0, { ...o, random: () => 0 }, 700)).toBe(700);
    expect(backoffDelay(0, o, 60_000)).toBe(1000);
  });

  it('retries retryable failures until success, sleeping between attempts', async () => {
    const outcomes = [fail(true), fail(true), okOutcome];
    const sleeps: number[] = [];
    const out = await sendWithRetry(async () => outcomes.shift()!, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      baseDelayMs: 100,
      maxDelayMs: 1000,
    });
    expect(out).toEqual(okOutcome);
    expect(sleeps).toEqual([50, 100]);
  });

  it('never retries a refusal and stops after maxAttempts', async () => {
    let calls = 0;
    const refused = await sendWithRetry(
      async () => {
        calls++;
        return fail(false);
      },
      { sleep: async () => {} },
    );
    expect([refused.ok, calls]).toEqual([false, 1]);
    calls = 0;
    const exhausted = await sendWithRetry(
      async () => {
        calls++;
        return fail(true);
      },
      { sleep: async () => {}, maxAttempts: 3 },
    );
    expect(exhausted).toMatchObject({ ok: false, retryable: true });
    expect(calls).toBe(3);
  });

  it('wraps a connector so only send is retried', async () => {
    const results = [fail(true), okOutcome];
    const inner: Connector = {
      name: 'ctm',
      channel: 'sms',
      provider: 'ctm',
      businessNumber: '+14155550111',
      send: async () => results.shift()!,
    };
    const wrapped = withRetry(inner, { sleep: async () => {} });
    expect(wrapped.businessNumber).toBe('+14155550111');
    expect(await wrapped.send({ messageId: 'm', to: '+14155550134', body: 'hi' })).toEqual(okOutcome);
  });
});
