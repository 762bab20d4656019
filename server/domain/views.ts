// Records become the views a given user may see. Masking happens here and only here: a field
// masked by the viewer's permission template is replaced by a display mask before anything is
// serialised, so no answer, event, search result or error built from a view can carry it.
import type {
  ActivityView,
  AttachmentView,
  ConversationView,
  LeadView,
  MaskableLeadField,
  MessageView,
  NudgeView,
  TaskView,
  TemplateView,
  UserView,
} from '../../shared/domain';
import { formatPhone, maskPhone } from '../../shared/phone';
import { scrubPhoneNumbers } from '../../shared/phone-scrub';
import { leadFileName } from '../../shared/file-name';
import { serviceWindowClosesAt } from '../../shared/service-window';
import { cannotReach } from '../../shared/send-rules';
import type {
  ActivityRecord,
  AttachmentRecord,
  ConversationRecord,
  LeadRecord,
  MessageRecord,
  NudgeRecord,
  TaskRecord,
  TemplateRecord,
  UserRecord,
} from '../storage/store';

export const MASK = '•••••';

export interface Viewer {
  id: string;
  role: UserRecord['role'];
  maskedFields: MaskableLeadField[];
}

export const userView = (u: UserRecord): UserView => ({ id: u.id, name: u.name, email: u.email, role: u.role });

export function leadView(lead: LeadRecord, viewer: Viewer, optedOutNumbers: Set<string>): LeadView {
  const masked = new Set(viewer.maskedFields);
  // Names, labels and custom fields are typed by people and providers too: a WhatsApp profile
  // named "+1 212 555 0137", an "Alt: (212) 555-0138" label. For a viewer without phones, free text.
  const text = (value: string) => freeText(value, viewer);
  return {
    id: lead.id,
    firstName: masked.has('firstName') ? MASK : text(lead.firstName),
    lastName: masked.has('lastName') ? MASK : text(lead.lastName),
    email: lead.email === null ? null : masked.has('email') ? MASK : text(lead.email),
    // The handle is the phone row's random id: it says nothing about the number.
    phones: lead.phones.map((p) => ({
      handle: p.id,
      display: masked.has('phones') ? maskPhone(p.e164) : formatPhone(p.e164),
      label: typeof p.label === 'string' ? text(p.label) : undefined,
      primary: p.primary,
      masked: masked.has('phones'),
      smsOptedOut: optedOutNumbers.has(p.e164),
      // Said of masked numbers too: which channel reaches a number tells nothing of its digits.
      cannotReach: cannotReach(p.e164),
    })),
    ownerId: lead.ownerId,
    ownerName: lead.ownerName,
    customFields: Object.fromEntries(
      Object.entries(lead.customFields).map(([k, v]) => [k, masked.has('customFields') ? MASK : text(v)]),
    ),
    masked: [...masked].filter((f) => f !== 'email' || lead.email !== null),
    updatedAt: lead.updatedAt,
  };
}

/** The lead's name as this viewer may see it, for nudges and activity text. */
export const leadName = (lead: LeadRecord, viewer: Viewer): string => {
  const v = leadView(lead, viewer, new Set());
  return `${v.firstName} ${v.lastName}`.trim();
};

/**
 * Free text that did not come from the lead's own typing (a provider's error, a task title, an
 * activity or nudge text) as this viewer may read it: with phone numbers scrubbed when the
 * viewer's template masks phones. Whoever wrote the text, it cannot give a number away.
 */
export const freeText = (text: string, viewer: Viewer): string =>
  viewer.maskedFields.includes('phones') ? scrubPhoneNumbers(text) : text;

export const attachmentView = (a: AttachmentRecord): AttachmentView => ({
  // The name made plain again: a row stored before the rule may still hide its extension.
  id: a.id,
  fileName: leadFileName(a.fileName, a.mimeType),
  mimeType: a.mimeType,
  size: a.size,
  kind: a.kind,
  ...(a.blocked ? { blocked: a.blocked } : {}),
  ...(a.unfetched ? { unavailable: a.unfetched.nextFetchAt ? ('retrying' as const) : ('gave_up' as const) } : {}),
});

/** Bodies are not masked (the seed says so); the provider's error text is free text. */
export const messageView = (m: MessageRecord, viewer: Viewer): MessageView => ({
  id: m.id,
  clientId: m.clientId,
  conversationId: m.conversationId,
  leadId: m.leadId,
  channel: m.channel,
  direction: m.direction,
  body: m.body,
  phoneHandle: m.phoneId,
  templateName: m.templateName,
  attachment: m.attachment ? attachmentView(m.attachment) : null,
  caption: m.caption,
  status: m.status,
  error: m.error ? { ...m.error, message: freeText(m.error.message, viewer) } : null,
  authorUserId: m.authorUserId,
  createdAt: m.createdAt,
  updatedAt: m.updatedAt,
});

export const conversationView = (c: ConversationRecord, readUpTo: string | null): ConversationView => ({
  id: c.id,
  leadId: c.leadId,
  channel: c.channel,
  lastMessageAt: c.lastMessageAt,
  lastMessagePreview: c.lastMessagePreview,
  windowClosesAt: c.channel === 'whatsapp' ? (serviceWindowClosesAt(c.lastInboundAt)?.toISOString() ?? null) : null,
  assigneeId: c.assigneeId,
  readUpTo,
});

export const templateView = (t: TemplateRecord): TemplateView => ({
  id: t.id,
  channel: t.channel,
  name: t.name,
  body: t.body,
  params: t.params,
  category: t.category,
  language: t.language,
  status: t.status,
  availableInConverse: t.availableInConverse,
});

export const activityView = (a: ActivityRecord, viewer: Viewer): ActivityView => ({
  id: a.id,
  leadId: a.leadId,
  type: a.type,
  summary: freeText(a.summary, viewer),
  at: a.at,
  messageId: a.messageId,
});
export const taskView = (t: TaskRecord, viewer: Viewer): TaskView => ({
  id: t.id,
  title: freeText(t.title, viewer),
  leadId: t.leadId,
  ownerId: t.ownerId,
  dueAt: t.dueAt,
  reminderMinutes: t.reminderMinutes,
});
/** A message nudge's body is the lead's message, shown as the message itself is; every other nudge text is free text. */
export const nudgeView = (n: NudgeRecord, viewer: Viewer): NudgeView => ({
  id: n.id,
  kind: n.kind,
  entityType: n.entityType,
  leadId: n.leadId,
  conversationId: n.conversationId,
  taskId: n.taskId,
  title: freeText(n.title, viewer),
  body: n.kind === 'message' ? n.body : freeText(n.body, viewer),
  createdAt: n.createdAt,
});

/**
 * Provider text kept on a message or sent back to the sender, scrubbed of every number before it
 * is stored (the e164 it was about is one of them). Views scrub again per viewer, so text stored
 * before this rule was stricter is safe too.
 */
export const scrubNumber = (text: string, _e164?: string): string => scrubPhoneNumbers(text);

/** Free text from other systems (CRM activities) with every phone number removed before it is stored. */
export const scrubDigits = (text: string): string => scrubPhoneNumbers(text);
