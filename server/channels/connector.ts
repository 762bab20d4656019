// The seam between the Converse server and the messaging providers. Each provider is one
// Connector for sending and one webhook parser for what it pushes back; the server supplies a
// ChannelSink that stores what arrives. Connectors never touch storage directly.
import type { Channel, MessageStatus, AttachmentKind } from '../../shared/domain';
import type { ConnectorName } from '../../shared/attachment-policy';

// The saved-webhook record belongs to storage (which imports nothing of channels/).
import type { ProviderName, SavedWebhook } from '../storage/saved-webhooks';

export type { ConnectorName, ProviderName, SavedWebhook };

export interface OutboundMedia {
  bytes: Uint8Array;
  mimeType: string;
  fileName: string;
  kind: AttachmentKind;
}

export interface OutboundMessage {
  /** Our message id; connectors may pass it to the provider as a reference. */
  messageId: string;
  /** E.164 with the plus. */
  to: string;
  body: string;
  template?: { name: string; language: string; params: string[] };
  media?: OutboundMedia;
  caption?: string;
}

export type SendOutcome =
  | { ok: true; providerMessageId: string; status: Extract<MessageStatus, 'queued' | 'sent'> }
  | {
      ok: false;
      retryable: boolean;
      code: string;
      providerCode?: string;
      message: string;
      /** Provider's Retry-After, when it sent one. */ retryAfterMs?: number;
    };

export interface Connector {
  readonly name: ConnectorName;
  readonly channel: Channel;
  /** The provider that usage reports count this under. */
  readonly provider: ProviderName;
  /** Our business number (E.164) on this connector, for opt-out bookkeeping. */
  readonly businessNumber: string;
  send(msg: OutboundMessage): Promise<SendOutcome>;
  /** RingCentral-style providers say "changed" and must be asked for the status. */
  fetchStatus?(providerMessageId: string): Promise<StatusUpdate | null>;
  /** Download an inbound file again by its InboundMedia.ref (a file that could not be fetched on arrival). */
  fetchInboundMedia?(ref: string): Promise<Uint8Array>;
  close?(): Promise<void>;
}

export interface InboundMedia {
  mimeType: string;
  fileName: string | null;
  caption: string | null;
  /** The provider's handle for the file (WhatsApp media id, RingCentral or CTM uri), kept to fetch it again later. */
  ref: string;
  /** Fetch the file from the provider (WhatsApp media id, RingCentral attachment uri). */
  fetch(): Promise<Uint8Array>;
}

export interface InboundMessage {
  provider: ProviderName;
  channel: Channel;
  providerMessageId: string;
  /** Lead number, E.164. */
  from: string;
  /** Our business number, E.164, when the provider says it. */
  to: string | null;
  body: string;
  /** WhatsApp profile name, used to create a lead for an unknown sender. */
  profileName: string | null;
  receivedAt: Date;
  media: InboundMedia | null;
}

export interface StatusUpdate {
  provider: ProviderName;
  providerMessageId: string;
  status: Extract<MessageStatus, 'queued' | 'sent' | 'delivered' | 'read' | 'failed'>;
  at: Date;
  error?: { code: string; providerCode?: string; message: string };
}

/**
 * An inbound message that can never be stored as it is (its sender number is not a number):
 * processing its webhook again would give the same answer, so the webhook is done, with the reason.
 * Any other failure (the database unreachable for a moment) leaves the webhook to be processed again.
 */
export class InboundRefused extends Error {}

/**
 * Implemented by the server's storage layer. saveWebhook is a durable write: a webhook is
 * answered 2xx only after it resolves, and processed after the answer, so a crash right after
 * answering loses nothing. The webhook is saved claimed by this node for a lease; a webhook whose
 * lease ran out (its node died or stopped) is taken by any node's claimPendingWebhooks.
 */
export interface ChannelSink {
  saveWebhook(provider: ProviderName, body: Buffer, headers: Record<string, string>): Promise<SavedWebhook>;
  /** Claim, for this node's lease, up to `limit` unprocessed webhooks nobody holds, oldest first. */
  claimPendingWebhooks(limit: number, includeOwnEarlier?: boolean): Promise<SavedWebhook[]>;
  /** Extend this node's claims on webhooks it is still processing. */
  renewWebhookLeases(ids: string[]): Promise<number>;
  markWebhookProcessed(id: string, error?: string): Promise<void>;
  /** Store an inbound message once (deduped on provider + providerMessageId). Media is fetched by the sink. */
  inbound(msg: InboundMessage): Promise<{ duplicate: boolean; messageId: string }>;
  /**
   * Apply a status by the rank rule; kept for later when the provider id is not known yet. Statuses
   * apply in the order handed in; resolves once this one is stored (a webhook is marked processed
   * only then), rejects when it could not be (also reported through the sink's onError).
   */
  status(update: StatusUpdate): Promise<void>;
}
