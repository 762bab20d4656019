// Records become the views a given user may see. Masking happens here and only here: a field
// masked by the viewer's permission template is replaced by a display mask before anything is
// serialised, so no answer, event, search result or error built from a view can carry it.
import type {
  ActivityView, AttachmentView, ConversationView, LeadView, MaskableLeadField, MessageView, NudgeView, TaskView, TemplateView, UserView,
} from '../../shared/domain';
import { formatPhone, maskPhone } from '../../shared/phone';
import { serviceWindowClosesAt } from '../../shared/service-window';
import type {
  ActivityRecord, AttachmentRecord, ConversationRecord, LeadRecord, MessageRecord, NudgeRecord, TaskRecord, TemplateRecord, UserRecord,
} from '../storage/store';

export const MASK = '•••••';

export interface Viewer { id: string; role: UserRecord['role']; maskedFields: MaskableLeadField[] }

export const userView = (u: UserRecord): UserView => ({ id: u.id, name: u.name, email: u.email, role: u.role });

export function leadView(lead: LeadRecord, viewer: Viewer, optedOutNumbers: Set<string>): LeadView {
  const masked = new Set(viewer.maskedFields);
  return {
    id: lead.id,
    firstName: masked.has('firstName') ? MASK : lead.firstName,
    lastName: masked.has('lastName') ? MASK : lead.lastName,
    email: lead.email === null ? null : masked.has('email') ? MASK : lead.email,
    // The handle is the phone row's random id: it says nothing about the number.
    phones: lead.phones.map((p) => ({
      handle: p.id,
      display: masked.has('phones') ? maskPhone(p.e164) : formatPhone(p.e164),
      label: p.label ?? undefined,
      primary: p.primary,
      masked: masked.has('phones'),
      smsOptedOut: optedOutNumbers.has(p.e164),
    })),
    ownerId: lead.ownerId,
    ownerName: lead.ownerName,
    customFields: masked.has('customFields') ? Object.fromEntries(Object.keys(lead.customFields).map((k) => [k, MASK])) : lead.customFields,
    masked: [...masked].filter((f) => f !== 'email' || lead.email !== null),
    updatedAt: lead.updatedAt,
  };
}

/** The lead's name as this viewer may see it, for nudges and activity text. */
export const leadName = (lead: LeadRecord, viewer: Viewer): string => {
  const v = leadView(lead, viewer, new Set());
  return `${v.firstName} ${v.lastName}`.trim();
};

export const attachmentView = (a: AttachmentRecord): AttachmentView => ({ id: a.id, fileName: a.fileName, mimeType: a.mimeType, size: a.size, kind: a.kind });

/** Messages are the same for everyone who may see the lead: bodies are not masked (the seed says so). */
export const messageView = (m: MessageRecord): MessageView => ({
  id: m.id, clientId: m.clientId, conversationId: m.conversationId, leadId: m.leadId, channel: m.channel, direction: m.direction,
  body: m.body, phoneHandle: m.phoneId, templateName: m.templateName, attachment: m.attachment ? attachmentView(m.attachment) : null,
  caption: m.caption, status: m.status, error: m.error, authorUserId: m.authorUserId, createdAt: m.createdAt, updatedAt: m.updatedAt,
});

export const conversationView = (c: ConversationRecord, readUpTo: string | null): ConversationView => ({
  id: c.id, leadId: c.leadId, channel: c.channel, lastMessageAt: c.lastMessageAt, lastMessagePreview: c.lastMessagePreview,
  windowClosesAt: c.channel === 'whatsapp' ? serviceWindowClosesAt(c.lastInboundAt)?.toISOString() ?? null : null,
  assigneeId: c.assigneeId, readUpTo,
});

export const templateView = (t: TemplateRecord): TemplateView => ({
  id: t.id, channel: t.channel, name: t.name, body: t.body, params: t.params, category: t.category, language: t.language,
  status: t.status, availableInConverse: t.availableInConverse,
});

export const activityView = (a: ActivityRecord): ActivityView => ({ id: a.id, leadId: a.leadId, type: a.type, summary: a.summary, at: a.at, messageId: a.messageId });
export const taskView = (t: TaskRecord): TaskView => ({ id: t.id, title: t.title, leadId: t.leadId, ownerId: t.ownerId, dueAt: t.dueAt, reminderMinutes: t.reminderMinutes });
export const nudgeView = (n: NudgeRecord): NudgeView => ({
  id: n.id, kind: n.kind, entityType: n.entityType, leadId: n.leadId, conversationId: n.conversationId, taskId: n.taskId,
  title: n.title, body: n.body, createdAt: n.createdAt,
});

/** Replace a number inside provider text (errors) with its mask, so it cannot leak through an error. */
export function scrubNumber(text: string, e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const national = digits.startsWith('1') ? digits.slice(1) : digits;
  let out = text.split(e164).join(maskPhone(e164)).split(formatPhone(e164)).join(maskPhone(e164)).split(digits).join(maskPhone(e164));
  if (national.length >= 7) out = out.split(national).join(maskPhone(e164));
  return out;
}

/** Replace every phone-like run of digits (7 or more, with the usual separators) in free text. */
export const scrubDigits = (text: string): string => text.replace(/\+?\d[\d\s().-]{5,}\d/g, (m) => (m.replace(/\D/g, '').length >= 7 ? '•••' : m));
