// An in-memory ChannelSink for channel tests: it really stores webhooks (claimed for a lease by
// the node that saved them, as the server's inbox does), dedupes inbound
// messages on (provider, provider id), fetches their media, and applies statuses with the shared
// rank rule — including statuses that arrive before the send's response stored the provider id.
import { randomUUID } from 'node:crypto';
import type {
  ChannelSink,
  InboundMessage,
  ProviderName,
  SavedWebhook,
  StatusUpdate,
} from '../../server/channels/connector';
import { applyStatus } from '../../shared/message-status';
import type { MessageStatus, MessageError } from '../../shared/domain';

export interface StoredInbound {
  id: string;
  msg: InboundMessage;
  media: { bytes: Uint8Array; mimeType: string; caption: string | null; fileName: string | null } | null;
}
export interface StoredOutbound {
  provider: ProviderName;
  providerMessageId: string;
  status: MessageStatus;
  error: MessageError | null;
  history: MessageStatus[];
}

export class MemorySink implements ChannelSink {
  readonly webhooks = new Map<
    string,
    { saved: SavedWebhook; processed: boolean; error: string | null; claimedUntil: number }
  >();
  /** How long this node's claim on a webhook holds. */
  readonly leaseMs = 60_000;
  readonly inboundMessages = new Map<string, StoredInbound>();
  readonly outbound = new Map<string, StoredOutbound>();
  /** Statuses for provider ids not known yet (the send's response has not come back). */
  readonly early = new Map<string, StatusUpdate[]>();
  /** Make the next saveWebhook calls fail (a full disk, a locked database). */
  failSaves = false;
  /** What storing an inbound message throws (a refusal of the message, or the database away); null: it stores. */
  inboundFailure: Error | null = null;

  private key = (provider: ProviderName, id: string) => `${provider}:${id}`;

  async saveWebhook(provider: ProviderName, body: Buffer, headers: Record<string, string>): Promise<SavedWebhook> {
    if (this.failSaves) throw new Error('disk full');
    const saved: SavedWebhook = {
      id: randomUUID(),
      provider,
      body: Buffer.from(body),
      headers: { ...headers },
      receivedAt: new Date(),
    };
    this.webhooks.set(saved.id, { saved, processed: false, error: null, claimedUntil: Date.now() + this.leaseMs });
    return saved;
  }

  async claimPendingWebhooks(limit: number): Promise<SavedWebhook[]> {
    const now = Date.now();
    const free = [...this.webhooks.values()].filter((w) => !w.processed && w.claimedUntil <= now).slice(0, limit);
    for (const w of free) w.claimedUntil = now + this.leaseMs;
    return free.map((w) => w.saved);
  }

  /** One node in memory: renewing extends every unprocessed claim named. */
  async renewWebhookLeases(ids: string[]): Promise<number> {
    const until = Date.now() + this.leaseMs;
    let n = 0;
    for (const id of ids) {
      const w = this.webhooks.get(id);
      if (w && !w.processed) {
        w.claimedUntil = until;
        n++;
      }
    }
    return n;
  }

  /** The node that saved the webhooks stopped before processing them: every claim has run out. */
  expireClaims(): void {
    for (const w of this.webhooks.values()) w.claimedUntil = 0;
  }

  /** Webhooks not processed yet, claimed or not. */
  unprocessed(): SavedWebhook[] {
    return [...this.webhooks.values()].filter((w) => !w.processed).map((w) => w.saved);
  }

  async markWebhookProcessed(id: string, error?: string): Promise<void> {
    const w = this.webhooks.get(id);
    if (!w) throw new Error(`unknown webhook ${id}`);
    w.processed = true;
    w.error = error ?? null;
  }

  async inbound(msg: InboundMessage): Promise<{ duplicate: boolean; messageId: string }> {
    if (this.inboundFailure) throw this.inboundFailure;
    const k = this.key(msg.provider, msg.providerMessageId);
    const existing = this.inboundMessages.get(k);
    if (existing) return { duplicate: true, messageId: existing.id };
    const media = msg.media
      ? {
          bytes: await msg.media.fetch(),
          mimeType: msg.media.mimeType,
          caption: msg.media.caption,
          fileName: msg.media.fileName,
        }
      : null;
    // Checked again after the await: a concurrent delivery of the same message may have won.
    const raced = this.inboundMessages.get(k);
    if (raced) return { duplicate: true, messageId: raced.id };
    const stored: StoredInbound = { id: randomUUID(), msg, media };
    this.inboundMessages.set(k, stored);
    return { duplicate: false, messageId: stored.id };
  }

  async status(update: StatusUpdate): Promise<void> {
    const k = this.key(update.provider, update.providerMessageId);
    const msg = this.outbound.get(k);
    if (!msg) {
      this.early.set(k, [...(this.early.get(k) ?? []), update]);
      return;
    }
    this.apply(msg, update);
  }

  /** What the send pipeline does when the provider answers a send: store the id, then apply early statuses. */
  recordSend(provider: ProviderName, providerMessageId: string, status: MessageStatus = 'queued'): StoredOutbound {
    const k = this.key(provider, providerMessageId);
    const msg: StoredOutbound = { provider, providerMessageId, status: 'pending', error: null, history: [] };
    this.outbound.set(k, msg);
    this.apply(msg, { provider, providerMessageId, status: status as StatusUpdate['status'], at: new Date() });
    for (const u of this.early.get(k) ?? []) this.apply(msg, u);
    this.early.delete(k);
    return msg;
  }

  get(provider: ProviderName, providerMessageId: string): StoredOutbound | undefined {
    return this.outbound.get(this.key(provider, providerMessageId));
  }

  private apply(msg: StoredOutbound, update: StatusUpdate) {
    const change = applyStatus(msg.status, update.status);
    if (change.recordError && update.error) msg.error = { ...update.error };
    if (!change.ignored) {
      if (change.status !== msg.status) msg.history.push(change.status);
      msg.status = change.status;
      // A later proof of delivery clears an earlier failure.
      if (change.status !== 'failed' && !change.recordError)
        msg.error = msg.status === 'delivered' || msg.status === 'read' ? null : msg.error;
    }
  }
}
