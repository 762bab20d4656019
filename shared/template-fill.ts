// Filling templates with a lead's values. SMS templates name lead fields ({{FirstName}});
// WhatsApp templates number their body parameters ({{1}}…), each fed by a lead field named in
// the template's `params`. A masked field fills with its masked display value, never the real one.
import type { LeadView, TemplateView } from './domain';

/** A placeholder or custom field name as compared: case, spaces, "_" and "-" do not count. */
const fieldKey = (name: string): string => name.toLowerCase().replace(/[\s_-]/g, '');

const fullName = (lead: LeadView): string => `${lead.firstName} ${lead.lastName}`.trim();
const email = (lead: LeadView): string => lead.email ?? '';
const primaryPhone = (lead: LeadView): string => (lead.phones.find((p) => p.primary) ?? lead.phones[0])?.display ?? '';
const ownerName = (lead: LeadView): string => lead.ownerName ?? '';

/** The built-in lead fields, by every name a template may give them. */
const LEAD_FIELDS: Readonly<Record<string, (lead: LeadView) => string>> = {
  firstname: (lead) => lead.firstName,
  lastname: (lead) => lead.lastName,
  name: fullName,
  fullname: fullName,
  email,
  emailaddress: email,
  phone: primaryPhone,
  phonenumber: primaryPhone,
  mobile: primaryPhone,
  owner: ownerName,
  ownername: ownerName,
};

/** Lead fields a template may name, by their placeholder names; any other name is a custom field. */
export function leadFieldValue(lead: LeadView, field: string): string {
  const key = fieldKey(field.trim());
  const builtIn = Object.hasOwn(LEAD_FIELDS, key) ? LEAD_FIELDS[key] : undefined;
  if (builtIn) return builtIn(lead);
  const custom = Object.entries(lead.customFields).find(([k]) => fieldKey(k) === key);
  return custom ? custom[1] : '';
}

/** The values of a WhatsApp template's body parameters for a lead, in order. */
export const whatsAppTemplateParams = (template: TemplateView, lead: LeadView): string[] =>
  template.params.map((field) => (field.startsWith('=') ? field.slice(1) : leadFieldValue(lead, field)));

/** The text a template becomes for a lead (what the preview shows and what an SMS sends). */
export function fillTemplate(template: TemplateView, lead: LeadView): string {
  if (template.channel === 'whatsapp') {
    const values = whatsAppTemplateParams(template, lead);
    return template.body.replace(/\{\{\s*(\d+)\s*\}\}/g, (_, n: string) => values[Number(n) - 1] ?? '');
  }
  return template.body.replace(/\{\{\s*([A-Za-z][\w ]*)\s*\}\}/g, (_, field: string) => leadFieldValue(lead, field));
}

/** Templates a rep may pick: WhatsApp ones only when approved and marked "Available in Converse". */
export const templateOffered = (t: TemplateView): boolean =>
  t.channel === 'sms' ? t.availableInConverse : t.availableInConverse && t.status === 'APPROVED';
