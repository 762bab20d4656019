// Filling templates with a lead's values. SMS templates name lead fields ({{FirstName}});
// WhatsApp templates number their body parameters ({{1}}…), each fed by a lead field named in
// the template's `params`. A masked field fills with its masked display value, never the real one.
import type { LeadView, TemplateView } from './domain';

/** Lead fields a template may name, by their placeholder names. */
export function leadFieldValue(lead: LeadView, field: string): string {
  const key = field
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  const primary = lead.phones.find((p) => p.primary) ?? lead.phones[0];
  switch (key) {
    case 'firstname':
      return lead.firstName;
    case 'lastname':
      return lead.lastName;
    case 'name':
    case 'fullname':
      return `${lead.firstName} ${lead.lastName}`.trim();
    case 'email':
    case 'emailaddress':
      return lead.email ?? '';
    case 'phone':
    case 'phonenumber':
    case 'mobile':
      return primary?.display ?? '';
    case 'owner':
    case 'ownername':
      return lead.ownerName ?? '';
    default: {
      const custom = Object.entries(lead.customFields).find(([k]) => k.toLowerCase().replace(/[\s_-]/g, '') === key);
      return custom ? custom[1] : '';
    }
  }
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
