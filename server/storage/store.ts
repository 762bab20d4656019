// The storage seam. Handlers, the gateway and the channel sink talk only to this interface, so
// a PostgreSQL implementation can follow without touching them. Every method is one unit of
// work (one transaction) and is async, although the embedded SQLite implementation finishes
// synchronously: atomicity lives inside each method, never across two calls.
import type {
  LeadView,
  Channel,
  Direction,
  MaskableLeadField,
  MessageError,
  MessageStatus,
  NudgeEntity,
  NudgeKind,
  Role,
  AttachmentKind,
  AttachmentBlockReason,
} from '../../shared/domain';
import type { StreamEvent, SequencedEvent } from '../../shared/stream-protocol';
import type { ProviderName, SavedWebhook } from './saved-webhooks';
import type { ReminderStore } from './reminders';
import type { LeadScope } from './lead-scope';

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
  newLead: () => NewLead;
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

export interface Store {
  close(): Promise<void>;

  // workspace
  workspaceTimeZone(): Promise<string>;
  setWorkspaceTimeZone(timeZone: string): Promise<void>;
  /** Atomically take the next round-robin turn among the given user ids (kept in the database). */
  takeRoundRobinTurn(candidateIds: string[]): Promise<string | null>;
  isEmpty(): Promise<boolean>;

  // users and sessions
  createUser(u: {
    email: string;
    name: string;
    role: Role;
    passwordHash: string;
    permissionTemplateId?: string | null;
  }): Promise<UserRecord>;
  updateUser(
    id: string,
    patch: Partial<{
      name: string;
      role: Role;
      active: boolean;
      passwordHash: string;
      permissionTemplateId: string | null;
    }>,
  ): Promise<UserRecord | null>;
  getUser(id: string): Promise<UserRecord | null>;
  getUserByEmail(email: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  createSession(userId: string, tokenHash: string, expiresAt: string): Promise<SessionRecord>;
  sessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  getSession(id: string): Promise<SessionRecord | null>;
  revokeSession(id: string, at: string): Promise<void>;
  revokeUserSessions(userId: string, at: string): Promise<string[]>;

  // permission templates
  createPermissionTemplate(name: string, maskedFields: MaskableLeadField[]): Promise<PermissionTemplateRecord>;
  updatePermissionTemplate(
    id: string,
    patch: Partial<{ name: string; maskedFields: MaskableLeadField[] }>,
  ): Promise<PermissionTemplateRecord | null>;
  listPermissionTemplates(): Promise<PermissionTemplateRecord[]>;

  // leads
  createLead(lead: NewLead, at: string): Promise<LeadRecord>;
  updateLead(id: string, patch: Partial<NewLead>, at: string): Promise<LeadRecord | null>;
  getLead(id: string): Promise<LeadRecord | null>;
  leadByPhone(e164: string): Promise<LeadRecord | null>;
  leadByExternalId(externalId: string): Promise<LeadRecord | null>;
  getPhone(id: string): Promise<PhoneRecord | null>;
  // Lead reads by visibility take a LeadScope (storage/lead-scope.ts); callers get it from server/domain/access.ts.
  /** Leads in scope whose first or last name matches every token (exact or prefix, normalised). */
  searchLeads(q: {
    tokens: string[];
    scope: LeadScope;
    fields: ('first' | 'last')[];
    limit: number;
  }): Promise<LeadRecord[]>;
  listLeads(q: { scope: LeadScope; limit: number; offset: number }): Promise<LeadRecord[]>;
  /** Whether the lead exists and is in scope. */
  leadInScope(scope: LeadScope, leadId: string): Promise<boolean>;
  /** Users who may see a lead (the rule read backwards): active admins, the owner, assignees of its conversations. */
  leadAudience(leadId: string): Promise<string[]>;
  /** Find or create the lead for an unknown number, unique on the number, in one transaction. */
  findOrCreateLeadByPhone(
    e164: string,
    make: () => { lead: NewLead },
    at: string,
  ): Promise<{ lead: LeadRecord; created: boolean }>;

  // activity, tasks
  addActivity(a: Omit<ActivityRecord, 'id'>): Promise<ActivityRecord>;
  listActivity(leadId: string, limit: number): Promise<ActivityRecord[]>;
  /** One page of a lead's Activity History, newest first: activities, each conversation's start and its messages. */
  activityHistory(
    leadId: string,
    conversationIds: string[],
    before: HistoryCursor | null,
    limit: number,
  ): Promise<HistoryEntry[]>;
  /** A rep's Carter settings as saved (JSON), or null when never saved. */
  nudgeSettings(userId: string): Promise<unknown>;
  saveNudgeSettings(userId: string, settings: unknown, at: string): Promise<void>;
  createTask(t: Omit<TaskRecord, 'id'>): Promise<TaskRecord>;
  listTasks(ownerId: string | null): Promise<TaskRecord[]>;
  getTask(id: string): Promise<TaskRecord | null>;
  taskByExternalId(externalId: string): Promise<TaskRecord | null>;
  updateTask(id: string, patch: Partial<Omit<TaskRecord, 'id' | 'externalId'>>): Promise<TaskRecord | null>;
  deleteTask(id: string): Promise<boolean>;
  /** Task reminders (server/nudges/reminder-scheduler.ts), in this database. */
  readonly reminders: ReminderStore;

  // workspace API keys and the events API
  /** SHA-256 (hex) of every key not revoked. */
  apiKeyHashes(): Promise<string[]>;
  addApiKey(keyHash: string, label: string, at: string): Promise<{ id: string; added: boolean }>;
  /**
   * Claim an event for handling until `leaseUntil`: 'claimed' (handle it, then completeEvent),
   * 'handled' (done before), 'busy' (another delivery holds an unexpired claim). A claim whose
   * handling never finished (a crash) can be taken again once its lease has passed.
   */
  claimEventLease(
    eventId: string,
    type: string,
    at: string,
    leaseUntil: string,
  ): Promise<'claimed' | 'handled' | 'busy'>;
  /** Mark a claimed event handled. */
  completeEvent(eventId: string, at: string): Promise<void>;
  /** Forget a claim whose handling failed, so a resend is handled. */
  releaseEvent(eventId: string): Promise<void>;

  // conversations and messages
  getConversation(id: string): Promise<ConversationRecord | null>;
  listConversationsOfLead(leadId: string): Promise<ConversationRecord[]>;
  assignConversation(id: string, assigneeId: string | null): Promise<ConversationRecord | null>;
  readUpTo(conversationId: string, userId: string): Promise<string | null>;
  setReadUpTo(conversationId: string, userId: string, at: string): Promise<string>;
  messageByClientId(clientId: string): Promise<MessageRecord | null>;
  /** Insert an outbound message as pending, or return the existing one for this client id. */
  createOutbound(m: NewOutbound): Promise<{ message: MessageRecord; duplicate: boolean }>;
  /** Insert an inbound message once per (provider, providerMessageId). */
  createInbound(m: NewInbound): Promise<{ message: MessageRecord; duplicate: boolean }>;
  /** The stored arrival of this provider message, or null (a message stored before outcomes were tracked counts as applied). */
  inboundReceipt(provider: ProviderName, providerMessageId: string): Promise<InboundReceipt | null>;
  /** Store an inbound message, its lead (when new) and its opt-out keyword in one transaction; once per provider id. */
  receiveInbound(a: InboundArrival): Promise<InboundReceipt>;
  /** Commit an inbound message's outcome in one transaction, unless it is in already (then null). */
  applyInboundOutcome(messageId: string, outcome: InboundOutcome, at: string): Promise<AppendedEvent[] | null>;
  /** Inbound messages stored whose outcome is not in (a stop came between the two). */
  unappliedInbound(): Promise<string[]>;
  getMessage(id: string): Promise<MessageRecord | null>;
  /** Outbound messages still pending with no provider id: their send was interrupted by a stop. */
  interruptedSends(): Promise<MessageRecord[]>;
  inboundMessageId(provider: ProviderName, providerMessageId: string): Promise<string | null>;
  messagesPage(conversationId: string, beforeSeq: number | null, limit: number): Promise<MessageRecord[]>;
  /** Store the provider's id for our message and apply statuses that arrived before it. */
  setProviderId(messageId: string, providerMessageId: string): Promise<void>;
  /** Apply a status to our message by the rank rule, with history. */
  applyStatus(
    messageId: string,
    status: MessageStatus,
    at: string,
    error: MessageError | null,
  ): Promise<StatusApplyResult | null>;
  /** Apply by provider id; when unknown, keep it for setProviderId. Null when kept. */
  applyProviderStatus(
    provider: ProviderName,
    providerMessageId: string,
    status: MessageStatus,
    at: string,
    error: MessageError | null,
  ): Promise<StatusApplyResult | null>;
  /** Statuses kept for this provider id (drained). */
  takeEarlyStatuses(
    provider: ProviderName,
    providerMessageId: string,
  ): Promise<{ status: MessageStatus; at: string; error: MessageError | null }[]>;

  // templates
  upsertTemplate(t: Omit<TemplateRecord, 'id' | 'updatedAt'> & { id?: string }, at: string): Promise<TemplateRecord>;
  deleteTemplate(id: string): Promise<boolean>;
  listTemplates(channel: Channel | null): Promise<TemplateRecord[]>;
  getTemplate(id: string): Promise<TemplateRecord | null>;

  // attachments
  createAttachment(a: Omit<AttachmentRecord, 'createdAt'>, at: string): Promise<AttachmentRecord>;
  getAttachment(id: string): Promise<AttachmentRecord | null>;
  /** An inbound attachment whose file could not be downloaded: kept with where to fetch it from. */
  createUnfetchedAttachment(
    a: Omit<AttachmentRecord, 'createdAt' | 'path' | 'size' | 'unfetched'>,
    source: UnfetchedMedia['source'],
    nextFetchAt: string | null,
    at: string,
  ): Promise<AttachmentRecord>;
  /** Another failed download: count it and set the next try (null: no more automatic tries). Returns the messages carrying it. */
  recordFetchFailure(id: string, nextFetchAt: string | null): Promise<MessageRecord[]>;
  /** The file arrived: the attachment becomes an ordinary one. Returns the messages carrying it. */
  completeFetch(
    id: string,
    file: {
      fileName: string;
      mimeType: string;
      size: number;
      kind: AttachmentKind;
      path: string;
      blocked?: AttachmentBlockReason | null;
    },
  ): Promise<MessageRecord[]>;
  /** Attachments still to fetch, soonest first (with a next try set). */
  unfetchedAttachments(): Promise<AttachmentRecord[]>;
  /** Whether the user may download this attachment (uploaded it, or it is on a message of a lead they see). */
  attachmentLeadIds(id: string): Promise<string[]>;
  /** A user's uploads not on any message yet: how many and their bytes (the upload quota). */
  unsentUploads(userId: string): Promise<{ count: number; bytes: number }>;
  /** Delete up to `limit` uploads created before `before` that no message carries; returns what went, for its files. */
  deleteUnsentUploads(before: string, limit: number): Promise<{ id: string; path: string }[]>;

  // opt-outs
  setOptOut(businessNumber: string, leadNumber: string, optedOut: boolean, keyword: string, at: string): Promise<void>;
  isOptedOut(businessNumber: string, leadNumber: string): Promise<boolean>;
  /** Lead numbers opted out from any of our SMS numbers. */
  optedOutNumbers(numbers: string[]): Promise<Set<string>>;

  // nudges and usage
  addNudge(n: Omit<NudgeRecord, 'id'>, month: string): Promise<NudgeRecord>;
  listNudges(userId: string, limit: number): Promise<NudgeRecord[]>;
  countNudges(
    months: string[],
    userId: string | null,
  ): Promise<{ month: string; entityType: NudgeEntity; count: number }[]>;
  bumpUsage(row: Omit<UsageCounterRow, 'count'>): Promise<void>;
  usage(months: string[], userId: string | null): Promise<UsageCounterRow[]>;

  // event log
  appendEvents(items: { userId: string; event: StreamEvent }[], at: string): Promise<AppendedEvent[]>;
  eventsAfter(userId: string, afterSeq: number, limit: number): Promise<SequencedEvent[]>;
  /** The same events as serialised SequencedEvent JSON, so a replay need not parse and re-serialise;
   * at most `maxChars` characters of JSON (one comma apiece counted), but always the first event. */
  eventsAfterJson(
    userId: string,
    afterSeq: number,
    limit: number,
    maxChars?: number,
  ): Promise<{ seq: number; json: string }[]>;
  headSeq(userId: string): Promise<number>;
  /** Lead ids that lead.upserted events in this user's log carry. */
  leadIdsInLog(userId: string): Promise<string[]>;
  /** Rewrite this user's lead.upserted events, and nudges about those leads, as the given views (null: lead.removed), keeping seqs. */
  rewriteLeadEvents(userId: string, views: Map<string, LeadView | null>): Promise<number>;
  recordAck(userId: string, deviceId: string, seq: number, at: string): Promise<void>;

  // webhook inbox (durable, synchronous: the 2xx is answered only after it)
  saveWebhookSync(provider: ProviderName, body: Buffer, headers: Record<string, string>, at: string): SavedWebhook;
  pendingWebhooksSync(): SavedWebhook[];
  markWebhookProcessedSync(id: string, at: string, error?: string): void;
}
