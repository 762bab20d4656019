// The product's nouns as they travel between server, desktop core and renderer.
// Every shape that crosses a process or the network is a zod schema here, so the
// receiving side validates with the same definition the sending side was typed by.
import { z } from 'zod';

export const Channel = z.enum(['sms', 'whatsapp']);
export type Channel = z.infer<typeof Channel>;

/** Which provider carried an SMS (usage reports count per provider). */
export const SmsProvider = z.enum(['ctm', 'ringcentral', 'sandbox']);
export type SmsProvider = z.infer<typeof SmsProvider>;

export const Direction = z.enum(['inbound', 'outbound']);
export type Direction = z.infer<typeof Direction>;

export const MessageStatus = z.enum(['pending', 'queued', 'sent', 'delivered', 'read', 'failed', 'received']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const Role = z.enum(['admin', 'sales']);
export type Role = z.infer<typeof Role>;

/** ISO-8601 UTC timestamp string. */
export const Timestamp = z.string().datetime({ offset: true });

export const UserView = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: Role,
});
export type UserView = z.infer<typeof UserView>;

/**
 * A lead's phone number as one user may see it. `handle` is opaque: the client sends to
 * it and the server resolves it, so a masked number never has to leave the server.
 */
export const PhoneView = z.object({
  handle: z.string(),
  display: z.string(),
  label: z.string().optional(),
  primary: z.boolean(),
  masked: z.boolean(),
  /** Opted out of SMS from our business number (STOP and friends). */
  smsOptedOut: z.boolean().default(false),
  /** Channels that cannot reach this number (SMS: not a US number), from shared/send-rules.ts;
   * absent from an older server: not known, the server decides at send. */
  cannotReach: z.array(z.enum(['sms', 'whatsapp'])).optional(),
});
export type PhoneView = z.infer<typeof PhoneView>;

/** Lead fields a permission template can mask. */
export const MaskableLeadField = z.enum(['firstName', 'lastName', 'email', 'phones', 'customFields']);
export type MaskableLeadField = z.infer<typeof MaskableLeadField>;

/**
 * What one lead may hold, checked wherever leads are written (admin API, CSV import, CRM events
 * API). Bounded so that a lead's `lead.upserted` event always fits one stream frame
 * (MAX_SERVER_FRAME_BYTES): at worst 200 × 1,100 characters, each escaped to 6 bytes, ≈ 1.3 MB.
 */
export const LEAD_LIMITS = {
  nameChars: 200,
  emailChars: 320,
  phones: 10,
  customFields: 200,
  customFieldNameChars: 100,
  customFieldValueChars: 1000,
} as const;

/** A lead's custom fields as a writer may set them (LEAD_LIMITS). */
export const LeadCustomFields = z
  .record(
    z
      .string()
      .max(
        LEAD_LIMITS.customFieldNameChars,
        `a custom field name is at most ${LEAD_LIMITS.customFieldNameChars} characters`,
      ),
    z
      .string()
      .max(
        LEAD_LIMITS.customFieldValueChars,
        `a custom field value is at most ${LEAD_LIMITS.customFieldValueChars} characters`,
      ),
  )
  .refine(
    (f) => Object.keys(f).length <= LEAD_LIMITS.customFields,
    `a lead has at most ${LEAD_LIMITS.customFields} custom fields`,
  );

export const LeadView = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().nullable(),
  phones: z.array(PhoneView),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable().optional(),
  customFields: z.record(z.string(), z.string()).default({}),
  /** Names of the fields whose values were replaced by display masks for this user. */
  masked: z.array(MaskableLeadField).default([]),
  updatedAt: Timestamp,
});
export type LeadView = z.infer<typeof LeadView>;

export const AttachmentKind = z.enum(['image', 'video', 'audio', 'document']);
export type AttachmentKind = z.infer<typeof AttachmentKind>;

/** Why a file a lead sent is kept but neither previewed nor downloadable (shared/attachment-policy.ts decides). */
export const AttachmentBlockReason = z.enum(['executable', 'html', 'scripted_svg', 'unknown_type']);
export type AttachmentBlockReason = z.infer<typeof AttachmentBlockReason>;

export const AttachmentView = z.object({
  id: z.string(),
  fileName: z.string(),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  kind: AttachmentKind,
  // Optional: events from before the rule parse as they were. A reason this client does not
  // know yet still blocks the file.
  blocked: AttachmentBlockReason.catch('unknown_type').optional(),
  /** An inbound file the provider would not hand over yet: 'retrying' (fetched again later), 'gave_up' (on demand only). */
  unavailable: z.enum(['retrying', 'gave_up']).catch('gave_up').optional(),
});
export type AttachmentView = z.infer<typeof AttachmentView>;

export const MessageError = z.object({
  code: z.string(),
  message: z.string(),
  /** The provider's own code, when the provider refused. */
  providerCode: z.string().optional(),
});
export type MessageError = z.infer<typeof MessageError>;

/** A conversation is one lead on one channel, so its id is derived, not allocated: a rep
 * can write to a lead offline before the server has ever seen that conversation. */
export const conversationIdOf = (leadId: string, channel: Channel): string => `${leadId}:${channel}`;
export const parseConversationId = (id: string): { leadId: string; channel: Channel } | null => {
  const at = id.lastIndexOf(':');
  if (at <= 0) return null;
  const channel = Channel.safeParse(id.slice(at + 1));
  return channel.success ? { leadId: id.slice(0, at), channel: channel.data } : null;
};

export const MessageView = z.object({
  id: z.string(),
  /** Set by the sending client; the server dedupes on it. */
  clientId: z.string().nullable(),
  conversationId: z.string(),
  leadId: z.string(),
  channel: Channel,
  direction: Direction,
  body: z.string(),
  /** Handle of the lead number this went to or came from. */
  phoneHandle: z.string().nullable(),
  templateName: z.string().nullable().optional(),
  attachment: AttachmentView.nullable().optional(),
  caption: z.string().nullable().optional(),
  status: MessageStatus,
  error: MessageError.nullable().optional(),
  authorUserId: z.string().nullable().optional(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type MessageView = z.infer<typeof MessageView>;

export const ConversationView = z.object({
  id: z.string(),
  leadId: z.string(),
  channel: Channel,
  lastMessageAt: Timestamp.nullable(),
  lastMessagePreview: z.string().nullable(),
  /** WhatsApp only: when the 24-hour service window closes (null: closed / never opened). */
  windowClosesAt: Timestamp.nullable().optional(),
  /** User this conversation is assigned to, when not the lead owner. */
  assigneeId: z.string().nullable().optional(),
  /** The newest message time this user has read, synced across the user's devices. */
  readUpTo: Timestamp.nullable().optional(),
});
export type ConversationView = z.infer<typeof ConversationView>;

export const TemplateStatus = z.enum(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED']);
export const TemplateCategory = z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']);

export const TemplateView = z.object({
  id: z.string(),
  channel: Channel,
  name: z.string(),
  /** SMS: text with {{FirstName}}-style lead placeholders. WhatsApp: body with {{1}}…{{n}}. */
  body: z.string(),
  /** WhatsApp: lead field (or literal) feeding each {{n}} body parameter, in order. */
  params: z.array(z.string()).default([]),
  category: TemplateCategory.nullable().optional(),
  language: z.string().nullable().optional(),
  status: TemplateStatus.nullable().optional(),
  availableInConverse: z.boolean().default(true),
});
export type TemplateView = z.infer<typeof TemplateView>;

export const NudgeKind = z.enum(['message', 'assignment', 'task', 'activity']);
export type NudgeKind = z.infer<typeof NudgeKind>;
/** Usage reports count nudges per LeadSquared entity. */
export const NudgeEntity = z.enum(['lead', 'task', 'activity']);
export type NudgeEntity = z.infer<typeof NudgeEntity>;

export const NudgeView = z.object({
  id: z.string(),
  kind: NudgeKind,
  entityType: NudgeEntity,
  leadId: z.string().nullable(),
  conversationId: z.string().nullable(),
  taskId: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  createdAt: Timestamp,
});
export type NudgeView = z.infer<typeof NudgeView>;

export const ActivityView = z.object({
  id: z.string(),
  leadId: z.string(),
  type: z.string(),
  summary: z.string(),
  at: Timestamp,
  messageId: z.string().nullable().optional(),
  // The conversation's own entries (types 'conversation.started', 'message.inbound',
  // 'message.outbound') say where they happened; other activities leave these out.
  conversationId: z.string().optional(),
  channel: Channel.optional(),
  /** Inbound: the lead wrote (or started the conversation); outbound: a rep did. */
  direction: Direction.optional(),
  status: MessageStatus.optional(),
  /** The lead's number as this viewer may see it (masked under a template); null: not known. */
  phone: z.string().nullable().optional(),
});
export type ActivityView = z.infer<typeof ActivityView>;

/** One page of a lead's Activity History, newest first. */
export const ActivityPage = z.object({
  activity: z.array(ActivityView),
  /** Pass as `before` for the next (older) page; null: nothing older. */
  before: z.string().nullable(),
  /** The server could not be reached: only the conversation as this desktop holds it (the desktop sets it). */
  fromThisDevice: z.boolean().optional(),
});
export type ActivityPage = z.infer<typeof ActivityPage>;

/** "HH:MM", 24-hour clock. */
export const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM');

/**
 * Carter settings (the seed's word for nudges): which kinds of nudge the rep wants, whether they
 * make a sound, and quiet hours in the desktop's local time. Kept per rep on the server and
 * followed by every desktop the rep signs in to.
 */
export const NudgeSettings = z.object({
  kinds: z.object({ message: z.boolean(), assignment: z.boolean(), task: z.boolean(), activity: z.boolean() }),
  sound: z.boolean(),
  /** Nudges wait quietly in the Nudges panel between `from` and `to` (may span midnight). */
  quietHours: z.object({ enabled: z.boolean(), from: ClockTime, to: ClockTime }),
});
export type NudgeSettings = z.infer<typeof NudgeSettings>;

export const DEFAULT_NUDGE_SETTINGS: NudgeSettings = {
  kinds: { message: true, assignment: true, task: true, activity: true },
  sound: true,
  quietHours: { enabled: false, from: '20:00', to: '08:00' },
};

export const TaskView = z.object({
  id: z.string(),
  title: z.string(),
  leadId: z.string().nullable(),
  ownerId: z.string(),
  dueAt: Timestamp,
  reminderMinutes: z.number().int().nonnegative(),
});
export type TaskView = z.infer<typeof TaskView>;

export const LeadDetails = z.object({
  lead: LeadView,
  activity: z.array(ActivityView),
  conversations: z.array(ConversationView),
});
export type LeadDetails = z.infer<typeof LeadDetails>;

/** The error body every HTTP API failure carries. */
export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiError = z.infer<typeof ApiError>;
