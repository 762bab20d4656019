import { checkSmsNumber, normalisePhone, toWhatsAppId, fromWhatsAppId, maskPhone, formatPhone } from './phone';
import { ErrorCode } from './error-codes';

describe('normalisePhone', () => {
  it.each([
    ['+1 (415) 555-0134', '+14155550134'],
    ['(415) 555-0134', '+14155550134'],
    ['1-415-555-0134', '+14155550134'],
    ['  +44 20 7946 0958 ', '+442079460958'],
    ['+52 55 1234 5678', '+525512345678'],
  ])('%s → %s', (raw, e164) => {
    expect(normalisePhone(raw)).toEqual({ ok: true, e164 });
  });

  it.each(['12', '', 'call me', '+1 415'])('refuses %j with a clear error', (raw) => {
    const r = normalisePhone(raw);
    expect(r).toMatchObject({ ok: false, code: ErrorCode.INVALID_NUMBER });
    expect(!r.ok && r.message).toContain('is not a valid phone number');
  });
});

describe('checkSmsNumber (US only)', () => {
  it.each(['+14155550134', '(415) 555-0178', '+1 800 555 0199', '212-867-5309'])('accepts the US number %s', (raw) => {
    expect(checkSmsNumber(raw).ok).toBe(true);
  });

  it.each([
    ['+1 416 967 1111', 'Canada'],
    ['+1 787 555 0134', 'Puerto Rico has its own region'],
    ['+44 20 7946 0958', 'UK'],
    ['+52 55 1234 5678', 'Mexico'],
  ])('refuses %s (%s) as not US', (raw) => {
    const r = checkSmsNumber(raw);
    expect(r).toMatchObject({ ok: false, code: ErrorCode.NOT_US_NUMBER });
    expect(!r.ok && r.message).toMatch(/US numbers only/);
  });

  it('refuses a +1 number that belongs to no region (area code 555) as invalid', () => {
    expect(checkSmsNumber('+1 555 555 0134')).toMatchObject({ ok: false, code: ErrorCode.INVALID_NUMBER });
  });
});

describe('WhatsApp ids, masking, display', () => {
  it('converts between E.164 and wa_id', () => {
    expect(toWhatsAppId('+14155550134')).toBe('14155550134');
    expect(fromWhatsAppId('14155550134')).toBe('+14155550134');
  });
  it('masks all but the country code and last two digits', () => {
    expect(maskPhone('+14155550134')).toBe('+1 •••• ••34');
    expect(maskPhone('+442079460958')).toBe('+44 •••• ••58');
    expect(formatPhone('+14155550134')).toBe('+1 415 555 0134');
  });
});
