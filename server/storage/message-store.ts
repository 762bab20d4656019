// Conversations and their messages, out and in: sends deduplicated on the client id, arrivals on
// the provider id, statuses applied by rank, an inbound message's outcome committed once. One part
// of the storage seam (server/storage/store.ts).
import type { MessageError, MessageStatus } from '../../shared/domain';
import type {
  AppendedEvent,
  ConversationRecord,
  InboundArrival,
  InboundOutcome,
  InboundReceipt,
  MessageRecord,
  NewInbound,
  NewOutbound,
  StatusApplyResult,
  UsageCounterRow,
} from './records';
import type { ProviderName } from './saved-webhooks';

export interface MessageStore {
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
  /**
   * Store an inbound message, its lead (when new) and its opt-out keyword in one transaction; once
   * per provider id. Null: its number is new and `newLead` gave no lead (nothing was stored).
   */
  receiveInbound(a: InboundArrival): Promise<InboundReceipt | null>;
  /** Commit an inbound message's outcome in one transaction, unless it is in already (then null). */
  applyInboundOutcome(messageId: string, outcome: InboundOutcome, at: string): Promise<AppendedEvent[] | null>;
  /** Inbound messages stored whose outcome is not in (a stop came between the two). */
  unappliedInbound(): Promise<string[]>;
  getMessage(id: string): Promise<MessageRecord | null>;
  /**
   * Outbound messages still pending with no provider id whose send lease has expired at `at` (the
   * node sending them died or stopped), plus, at a node's start, those `previousOwner` held (this
   * node's id in an earlier run: nothing of its own is under way yet).
   */
  interruptedSends(at: string, previousOwner: string | null): Promise<MessageRecord[]>;
  /** Extend the lease of every send `owner` still has under way (pending, no provider id); returns how many. */
  renewSendLeases(owner: string, until: string): Promise<number>;
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
  /**
   * The provider took our message: in ONE transaction store its id, apply `status` and every status
   * that raced ahead of the response (kept as early), and count the message for usage (`usage`
   * rows). A node that dies after the provider answered either committed all of it or none (then
   * the send is interrupted and reported failed, never counted).
   */
  recordProviderAcceptance(a: {
    messageId: string;
    provider: ProviderName;
    providerMessageId: string;
    status: MessageStatus;
    at: string;
    usage: Omit<UsageCounterRow, 'count'>[];
  }): Promise<MessageRecord | null>;
  /** Statuses kept for this provider id (drained). */
  takeEarlyStatuses(
    provider: ProviderName,
    providerMessageId: string,
  ): Promise<{ status: MessageStatus; at: string; error: MessageError | null }[]>;
}
