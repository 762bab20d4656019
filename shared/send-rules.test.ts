import { describe, expect, it } from 'vitest';
import { cannotReach, preferredNumber, refuseSend, SMS_MAX_CHARS, type SendDraft } from './send-rules';

const us = { cannotReach: cannotReach('+14155550134'), smsOptedOut: false };
const uk = { cannotReach: cannotReach('+447911123456'), smsOptedOut: false };
const draft = (d: Partial<SendDraft>): SendDraft => ({
  channel: 'sms',
  to: us,
  body: 'Hello',
  template: false,
  attachment: null,
  ...d,
});

describe('send rules', () => {
  it('knows which channels reach a number: SMS US only, WhatsApp any valid number', () => {
    expect(cannotReach('+12025550181')).toEqual([]);
    expect(cannotReach('+447911123456')).toEqual(['sms']);
    expect(cannotReach('+919812345678')).toEqual(['sms']);
  });

  it('refuses an SMS to a UK number and lets WhatsApp reach it', () => {
    expect(refuseSend(draft({ to: uk }))?.code).toBe('not_us_number');
    expect(refuseSend(draft({ to: uk, channel: 'whatsapp', windowOpen: true }))).toBeNull();
  });

  it('refuses a 1,001-character SMS and allows 1,000; WhatsApp allows more', () => {
    expect(refuseSend(draft({ body: 'a'.repeat(SMS_MAX_CHARS) }))).toBeNull();
    expect(refuseSend(draft({ body: 'a'.repeat(1001) }))).toMatchObject({
      code: 'body_too_long',
      values: { max: 1000, length: 1001 },
    });
    expect(refuseSend(draft({ channel: 'whatsapp', windowOpen: true, body: 'a'.repeat(1001) }))).toBeNull();
  });

  it('refuses opted-out numbers, closed WhatsApp windows (templates excepted), empty sends and no number', () => {
    expect(refuseSend(draft({ to: { ...us, smsOptedOut: true } }))?.code).toBe('opted_out');
    expect(refuseSend(draft({ channel: 'whatsapp', windowOpen: false }))?.code).toBe('whatsapp_window_closed');
    expect(refuseSend(draft({ channel: 'whatsapp', windowOpen: false, template: true, body: '' }))).toBeNull();
    expect(refuseSend(draft({ channel: 'whatsapp', body: 'x' }))).toBeNull(); // window not known here: the server decides
    expect(refuseSend(draft({ body: '   ' }))?.code).toBe('empty_message');
    expect(refuseSend(draft({ to: null }))?.code).toBe('no_phone');
  });

  it('allows captions on images and videos only, and checks the file against the connector', () => {
    const pdf = { kind: 'document' as const, mimeType: 'application/pdf', size: 1000 };
    expect(refuseSend(draft({ body: '', attachment: pdf, caption: 'see this' }))?.code).toBe('caption_not_allowed');
    expect(
      refuseSend(
        draft({ body: '', attachment: { kind: 'image', mimeType: 'image/png', size: 1000 }, caption: 'see this' }),
      ),
    ).toBeNull();
    expect(refuseSend(draft({ body: '', caption: 'orphan' }))?.code).toBe('caption_not_allowed');
    expect(refuseSend(draft({ body: '', attachment: pdf, connector: 'ringcentral' }))?.code).toBe(
      'attachment_type_not_allowed',
    );
    expect(
      refuseSend(
        draft({
          body: '',
          attachment: { kind: 'image', mimeType: 'image/png', size: 9e6 },
          connector: 'whatsapp',
          channel: 'whatsapp',
          windowOpen: true,
        }),
      )?.code,
    ).toBe('attachment_too_large');
    expect(refuseSend(draft({ channel: 'whatsapp', windowOpen: false, template: true, attachment: pdf }))?.code).toBe(
      'invalid_request',
    );
  });

  it('preselects the first number a channel can reach, the primary when it can', () => {
    const nums = [
      { ...uk, primary: true, id: 'uk' },
      { ...us, primary: false, id: 'us' },
    ];
    expect(preferredNumber(nums, 'sms')?.id).toBe('us');
    expect(preferredNumber(nums, 'whatsapp')?.id).toBe('uk');
    expect(preferredNumber([{ ...uk, primary: true, id: 'uk' }], 'sms')?.id).toBe('uk');
    expect(preferredNumber([], 'sms')).toBeNull();
  });
});
