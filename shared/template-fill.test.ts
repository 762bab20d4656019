import { fillTemplate, leadFieldValue, templateOffered, whatsAppTemplateParams } from './template-fill';
import { LeadView, TemplateView } from './domain';

const maria = LeadView.parse({
  id: 'lead-1',
  firstName: 'Maria',
  lastName: 'Garcia',
  email: 'maria@example.com',
  phones: [
    { handle: 'h1', display: '+1 415 555 0134', primary: true, masked: false },
    { handle: 'h2', display: '+1 415 555 0178', primary: false, masked: false },
  ],
  ownerId: 'u-rita',
  ownerName: 'Rita Rep',
  customFields: { 'Preferred Time': 'mornings' },
  updatedAt: '2026-11-24T10:00:00Z',
});
const masked = LeadView.parse({
  ...maria,
  firstName: 'M•••',
  phones: [{ handle: 'h1', display: '+1 •••• ••34', primary: true, masked: true }],
  masked: ['firstName', 'phones'],
});

const sms = (body: string) => TemplateView.parse({ id: 't', channel: 'sms', name: 'n', body });
const wa = (body: string, params: string[], extra: Partial<TemplateView> = {}) =>
  TemplateView.parse({
    id: 'w',
    channel: 'whatsapp',
    name: 'visit',
    body,
    params,
    status: 'APPROVED',
    category: 'UTILITY',
    language: 'en_US',
    ...extra,
  });

describe('SMS templates', () => {
  it('fill lead fields by name, tolerant of case and spaces', () => {
    expect(
      fillTemplate(
        sms('Hi {{FirstName}} {{ last name }}, this is {{OwnerName}}. We call {{Preferred Time}} at {{Phone}}.'),
        maria,
      ),
    ).toBe('Hi Maria Garcia, this is Rita Rep. We call mornings at +1 415 555 0134.');
  });
  it('fill masked fields with their masked values only', () => {
    const text = fillTemplate(sms('Hi {{FirstName}}, your number {{Phone}}'), masked);
    expect(text).toBe('Hi M•••, your number +1 •••• ••34');
    expect(text).not.toContain('0134');
  });
  it('empty for unknown fields; email and full name', () => {
    expect(leadFieldValue(maria, 'Nickname')).toBe('');
    expect(leadFieldValue(maria, 'full_name')).toBe('Maria Garcia');
    expect(leadFieldValue({ ...maria, email: null }, 'Email')).toBe('');
  });
});

describe('WhatsApp templates', () => {
  const t = wa('Hello {{1}}, your visit with {{2}} is on {{3}}.', ['FirstName', 'OwnerName', '=Friday']);
  it('build body parameters in order from fields and =literals', () => {
    expect(whatsAppTemplateParams(t, maria)).toEqual(['Maria', 'Rita Rep', 'Friday']);
    expect(fillTemplate(t, maria)).toBe('Hello Maria, your visit with Rita Rep is on Friday.');
  });
  it('preview with masked values stays masked', () => {
    expect(fillTemplate(t, masked)).toBe('Hello M•••, your visit with Rita Rep is on Friday.');
  });
  it('are offered only when approved and available in Converse', () => {
    expect(templateOffered(t)).toBe(true);
    expect(templateOffered(wa('x', [], { status: 'PENDING' }))).toBe(false);
    expect(templateOffered(wa('x', [], { status: 'REJECTED' }))).toBe(false);
    expect(templateOffered(wa('x', [], { availableInConverse: false }))).toBe(false);
    expect(templateOffered(sms('x'))).toBe(true);
    expect(
      templateOffered(
        TemplateView.parse({ id: 's', channel: 'sms', name: 'n', body: 'x', availableInConverse: false }),
      ),
    ).toBe(false);
  });
});
