// The records the storage seam (server/storage/store.ts) reads and writes: plain data, no behaviour.
import type {
  AttachmentBlockReason,
  AttachmentKind,
  Channel,
  Direction,
  MaskableLeadField,
  MessageError,
  MessageStatus,
  NudgeEntity,
  NudgeKind,
  Role,
} from '../../shared/domain';
import type { SequencedEvent, StreamEvent } from '../../shared/stream-protocol';
import type { ProviderName } from './saved-webhooks';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  passwordHash: string;
  permissionTemplateId: string | null;
  /** Lead fields masked for this user (from the permission template). */
  maskedFields: MaskableLeadField[];
  createdAt: string;
}

export interface SessionRecord {
  id: string;
  userId: string;
  expiresAt: string;
  revokedAt: string | null;
}

export interface PhoneRecord {
  id: string;
  leadId: string;
  e164: string;
  label: string | null;
  primary: boolean;
}

export interface LeadRecord {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  ownerId: string | null;
  ownerName: string | null;
  customFields: Record<string, string>;
  phones: PhoneRecord[];
  createdAt: string;
  updatedAt: string;
  /** The id another system (the CRM) gave this lead, when it came through POST /events. */
  externalId?: string | null;
}

export interface NewLead {
  firstName: string;
  lastName: string;
  email?: string | null;
  ownerId: string | null;
  customFields?: Record<string, string>;
  externalId?: string | null;
  /** E.164 numbers; the first is primary unless one says otherwise. */
  phones: { e164: string; label?: string | null; primary?: boolean }[];
}

export interface ConversationRecord {
  id: string;
  leadId: string;
  channel: Channel;
  assigneeId: string | null;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  lastInboundAt: string | null;
}

export interface AttachmentRecord {
  id: string;
  fileName: string;
  mimeType: string;
  size: number;
  kind: AttachmentKind;
  path: string;
  uploadedBy: string | null;
  createdAt: string;
  /** Why a file from a lead is kept but not offered (shared/attachment-policy.ts `leadFileVerdict`); absent or null: offered. */
  blocked?: AttachmentBlockReason | null;
  /** Set while an inbound file could not be downloaded from its provider (no file yet). */
  unfetched?: UnfetchedMedia | null;
}

/** Where an inbound file that could not be downloaded is fetched from, and how often it was tried. */
export interface UnfetchedMedia {
  source: { provider: ProviderName; ref: string };
  attempts: number;
  /** When to try again; null once the automatic retries are used up (a fetch on demand still works). */
  nextFetchAt: string | null;
}

/** An inbound message as it arrives, with the lead to create when its number is unknown. */
export interface InboundArrival extends Omit<NewInbound, 'leadId' | 'phoneId'> {
  from: string;
  /**
   * The lead to create when no lead has the number; null when it is not chosen yet: then nothing
   * is stored and the arrival answers null, for the caller to choose one (an owner takes a
   * round-robin turn) and send it again. Most numbers are known: they need no choice first.
   */
  newLead: () => NewLead | null;
  /** An SMS opt-out keyword: recorded with the message, in its transaction. */
  optOut: { businessNumber: string; optedOut: boolean; keyword: string } | null;
}

/** What storing an arrival found or did. `applied`: its outcome (activities, events, usage, nudges) is in. */
export interface InboundReceipt {
  message: MessageRecord;
  lead: LeadRecord;
  leadCreated: boolean;
  conversationStarted: boolean;
  duplicate: boolean;
  applied: boolean;
}

/** Everything an inbound message changes besides itself, committed together, once. */
export interface InboundOutcome {
  activities: Omit<ActivityRecord, 'id'>[];
  usage: Omit<UsageCounterRow, 'count'>[];
  events: { userId: string; event: StreamEvent }[];
  nudges: { nudge: Omit<NudgeRecord, 'id'>; month: string }[];
  /** The event that shows a stored nudge to its user. */
  nudgeEvent(nudge: NudgeRecord): StreamEvent;
}

export interface MessageRecord {
  id: string;
  seq: number;
  clientId: string | null;
  conversationId: string;
  leadId: string;
  channel: Channel;
  direction: Direction;
  body: string;
  phoneId: string | null;
  templateId: string | null;
  templateName: string | null;
  attachment: AttachmentRecord | null;
  caption: string | null;
  status: MessageStatus;
  error: MessageError | null;
  provider: ProviderName | null;
  providerMessageId: string | null;
  connector: string | null;
  authorUserId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewOutbound {
  clientId: string;
  leadId: string;
  channel: Channel;
  body: string;
  phoneId: string;
  templateId: string | null;
  templateName: string | null;
  attachmentId: string | null;
  caption: string | null;
  authorUserId: string;
  provider: ProviderName;
  connector: string;
  at: string;
  /** The node sending it (a node id) and until when its lease holds; the node renews it while the send is under way. */
  sendLease: { owner: string; until: string };
}

export interface NewInbound {
  leadId: string;
  channel: Channel;
  body: string;
  phoneId: string;
  provider: ProviderName;
  providerMessageId: string;
  attachmentId: string | null;
  caption: string | null;
  at: string;
}

export interface TemplateRecord {
  id: string;
  channel: Channel;
  name: string;
  body: string;
  params: string[];
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION' | null;
  language: string | null;
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | null;
  availableInConverse: boolean;
  updatedAt: string;
}

export interface PermissionTemplateRecord {
  id: string;
  name: string;
  maskedFields: MaskableLeadField[];
}

export interface TaskRecord {
  id: string;
  title: string;
  leadId: string | null;
  ownerId: string;
  dueAt: string;
  reminderMinutes: number;
  externalId?: string | null;
}

export interface ActivityRecord {
  id: string;
  leadId: string;
  type: string;
  summary: string;
  at: string;
  messageId: string | null;
}

/**
 * An Activity History entry: an activity row, a conversation's start (its first message) or a
 * message. Ordered newest first by (at, kind, id); kinds rank message > start > activity so that,
 * at one instant, a conversation's first message sits above its start and both above the lead's creation.
 */
export type HistoryEntry =
  | { kind: 'activity'; at: string; activity: ActivityRecord }
  | { kind: 'start'; at: string; conversationId: string; first: MessageRecord }
  | { kind: 'message'; at: string; message: MessageRecord };
export interface HistoryCursor {
  at: string;
  kind: HistoryEntry['kind'];
  id: string;
}

export interface NudgeRecord {
  id: string;
  userId: string;
  kind: NudgeKind;
  entityType: NudgeEntity;
  leadId: string | null;
  conversationId: string | null;
  taskId: string | null;
  title: string;
  body: string;
  createdAt: string;
}

export interface UsageCounterRow {
  month: string;
  userId: string;
  provider: string;
  channel: Channel;
  direction: Direction;
  count: number;
}

/** An event appended to one user's log. */
export interface AppendedEvent extends SequencedEvent {
  userId: string;
}

export interface StatusApplyResult {
  message: MessageRecord;
  changed: boolean;
}
