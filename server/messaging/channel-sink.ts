// The server's side of the connector seam: what providers push back (inbound messages and
// statuses) lands here, durably and exactly once.
import { InboundRefused } from '../channels/connector';
import type {
  ChannelSink,
  InboundMedia,
  InboundMessage,
  ProviderName,
  SavedWebhook,
  StatusUpdate,
} from '../channels/connector';
import { normalisePhone } from '../../shared/phone';
import { optKeyword } from '../../shared/sms';
import type { Channel, MessageError } from '../../shared/domain';
import { canonicalMimeType } from '../../shared/attachment-policy';
import { leadFileName } from '../../shared/file-name';
import type { InboundArrival, InboundReceipt, MessageRecord, Store } from '../storage/store';
import type { WebhookLease } from '../storage/webhook-inbox-store';
import type { Publisher } from '../domain/publisher';
import { publishCurrent, untilStored } from './durable-outcome';
import type { ConnectorSet } from './send-pipeline';
import type { AttachmentFiles } from '../attachments/files';
import { leadFileFacts } from '../channels/lead-file';
import { scrubDigits } from '../domain/views';
import { inboundOutcome } from './inbound-outcome';
import { roundRobinOwner } from '../domain/round-robin';

/** Headers never kept in the webhook inbox. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** The steps of one inbound message, in order; each is durable once passed. */
export type InboundStep = 'media-kept' | 'message-stored' | 'outcome-applied';

/** Waits between automatic downloads of a file the provider would not hand over (then on demand only). */
export const MEDIA_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 60 * 60_000, 12 * 60 * 60_000];

export interface SinkOptions {
  store: Store;
  publisher: Publisher;
  connectors: ConnectorSet;
  files: AttachmentFiles;
  now: () => Date;
  /** Where background failures are reported. */
  onError?: (message: string) => void;
  /** Fault injection (tests): called after each step; a throw stops processing there, as a crash would. */
  checkpoint?: (step: InboundStep) => void;
  /** Waits between download retries (tests); default MEDIA_RETRY_DELAYS_MS. */
  mediaRetryDelaysMs?: number[];
  /** This node (its id) and how long its claim on a webhook it takes holds. */
  node: { id: string; webhookLeaseMs: number };
}

export class ServerChannelSink implements ChannelSink {
  /** Inbound messages from one number are handled one after another (one lead per new number, fair turns). */
  private readonly perNumber = new Map<string, Promise<unknown>>();
  /** Statuses are applied in the order they arrived. */
  private statusChain: Promise<unknown> = Promise.resolve();

  /** When this run started: what this node claimed before then is from an earlier run. */
  private readonly startedAt: Date;

  constructor(private readonly o: SinkOptions) {
    this.startedAt = o.now();
  }

  saveWebhook(provider: ProviderName, body: Buffer, headers: Record<string, string>): Promise<SavedWebhook> {
    const kept = Object.fromEntries(Object.entries(headers).filter(([k]) => !SECRET_HEADERS.has(k.toLowerCase())));
    const now = this.o.now();
    return this.o.store.saveWebhook(provider, body, kept, now.toISOString(), this.webhookLease(now));
  }
  claimPendingWebhooks(limit: number, includeOwnEarlier = false): Promise<SavedWebhook[]> {
    const now = this.o.now();
    return this.o.store.claimPendingWebhooks(
      now.toISOString(),
      this.webhookLease(now),
      limit,
      includeOwnEarlier ? { owner: this.o.node.id, leasedBefore: this.webhookLease(this.startedAt).until } : null,
    );
  }
  renewWebhookLeases(ids: string[]): Promise<number> {
    const now = this.o.now();
    return this.o.store.renewWebhookLeases(this.o.node.id, ids, this.webhookLease(now).until);
  }
  markWebhookProcessed(id: string, error?: string): Promise<void> {
    return this.o.store.markWebhookProcessed(id, this.o.now().toISOString(), error);
  }
  /** This node's claim on a webhook, from `now`. */
  private webhookLease(now: Date): WebhookLease {
    return { owner: this.o.node.id, until: new Date(now.getTime() + this.o.node.webhookLeaseMs).toISOString() };
  }

  inbound(msg: InboundMessage): Promise<{ duplicate: boolean; messageId: string }> {
    const n = normalisePhone(msg.from);
    if (!n.ok)
      return Promise.reject(
        new InboundRefused(`Inbound message ${msg.providerMessageId} has an invalid sender number.`),
      );
    const prev = this.perNumber.get(n.e164) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.inboundNow(msg, n.e164));
    this.perNumber.set(n.e164, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.perNumber.get(n.e164) === next) this.perNumber.delete(n.e164);
      });
    return next;
  }

  private async inboundNow(msg: InboundMessage, from: string): Promise<{ duplicate: boolean; messageId: string }> {
    const { store } = this.o;
    // A redelivery after a stop between the message and its outcome fills the outcome in. Asked
    // first only when there is a file, not to fetch it twice: receiveInbound finds a known
    // message itself, under its number's lock.
    const known = msg.media ? await store.inboundReceipt(msg.provider, msg.providerMessageId) : null;
    if (known) return this.complete(known, msg);

    const attachmentId = msg.media ? await this.keepMedia(msg, msg.media) : null;
    this.o.checkpoint?.('media-kept');

    // An unknown sender becomes a lead, assigned round-robin among active admins; the lead, the
    // message and an opt-out keyword are stored in one transaction. Most senders are known, so
    // the message is offered first without a lead: only a new number then takes a turn.
    const { first, last } = splitProfileName(msg.profileName, msg.channel);
    const offer = (newLead: InboundArrival['newLead']) =>
      store.receiveInbound({
        from,
        channel: msg.channel,
        body: msg.body,
        provider: msg.provider,
        providerMessageId: msg.providerMessageId,
        attachmentId,
        caption: msg.media ? msg.media.caption : null,
        at: msg.receivedAt.toISOString(),
        newLead,
        optOut: this.optOutOf(msg.channel, msg.body, msg.to),
      });
    const newLeadOwnedBy = (ownerId: string | null) => () => ({
      firstName: first,
      lastName: last,
      ownerId,
      phones: [{ e164: from, label: msg.channel === 'whatsapp' ? 'WhatsApp' : 'Mobile', primary: true }],
    });
    const receipt = (await offer(() => null)) ?? (await offer(newLeadOwnedBy(await roundRobinOwner(store))));
    if (!receipt) throw new Error(`Inbound message ${msg.providerMessageId} was not stored with its new lead.`);
    this.o.checkpoint?.('message-stored');
    return this.complete(receipt, msg);
  }

  /** The SMS opt-out keyword of a message, with the business number it applies to. */
  private optOutOf(channel: Channel, body: string, to: string | null): InboundArrival['optOut'] {
    if (channel !== 'sms') return null;
    const keyword = optKeyword(body);
    const n = to ? normalisePhone(to) : null;
    const businessNumber = n?.ok ? n.e164 : (this.o.connectors.forChannel('sms')?.businessNumber ?? '');
    if (!keyword || !businessNumber) return null;
    return { businessNumber, optedOut: keyword === 'opt-out', keyword: body.trim().toUpperCase() };
  }

  /** Commit a stored message's outcome unless it is in already, then deliver its events live. */
  private async complete(
    receipt: InboundReceipt,
    msg: InboundMessage | null,
  ): Promise<{ duplicate: boolean; messageId: string }> {
    const messageId = receipt.message.id;
    if (receipt.applied) return { duplicate: true, messageId };
    const appended = await this.o.store.applyInboundOutcome(
      messageId,
      await inboundOutcome(
        this.o,
        receipt,
        this.optOutOf(receipt.message.channel, receipt.message.body, msg?.to ?? null),
      ),
      this.o.now().toISOString(),
    );
    this.o.checkpoint?.('outcome-applied');
    if (appended) this.o.publisher.deliver(appended);
    return { duplicate: receipt.duplicate, messageId };
  }

  /**
   * On start: fill in the outcome of every message stored before a stop came between it and its
   * outcome, and plan the downloads of files still to fetch. Resolves to how many were filled in.
   */
  async resume(): Promise<number> {
    let filled = 0;
    for (const id of await this.o.store.unappliedInbound()) {
      const m = await this.o.store.getMessage(id);
      const receipt =
        m?.provider && m.providerMessageId ? await this.o.store.inboundReceipt(m.provider, m.providerMessageId) : null;
      if (!receipt || receipt.applied) continue;
      await this.complete(receipt, null);
      filled++;
    }
    await this.planMediaRetries();
    return filled;
  }

  // ---- inbound media -------------------------------------------------------------------------

  /** Fetch and keep an inbound file; when the provider will not hand it over, keep the attachment as unavailable, to fetch again. */
  private async keepMedia(msg: InboundMessage, media: InboundMedia): Promise<string> {
    const at = msg.receivedAt.toISOString();
    const id = this.o.files.newId();
    let bytes: Uint8Array;
    try {
      bytes = await media.fetch();
    } catch (err) {
      this.o.onError?.(
        `media of ${msg.provider} message ${msg.providerMessageId} could not be fetched (will retry): ${(err as Error).message}`,
      );
      // What the provider said the file is, until its bytes say it (never previewed meanwhile).
      const mimeType = canonicalMimeType(media.mimeType);
      await this.o.store.createUnfetchedAttachment(
        { id, fileName: leadFileName(media.fileName, mimeType), mimeType, kind: 'document', uploadedBy: null },
        { provider: msg.provider, ref: media.ref },
        this.nextFetchAt(1),
        at,
      );
      void this.planMediaRetries();
      return id;
    }
    const path = await this.o.files.write(id, bytes);
    // Type, name and the attachment policy's verdict (a harmful file is kept but blocked): server/channels/lead-file.ts.
    await this.o.store.createAttachment(
      { id, ...(await leadFileFacts(bytes, media.fileName)), path, uploadedBy: null },
      at,
    );
    return id;
  }

  /** When to try a download again after `attempts` failures; null once the automatic tries are used up. */
  private nextFetchAt(attempts: number): string | null {
    const delays = this.o.mediaRetryDelaysMs ?? MEDIA_RETRY_DELAYS_MS;
    const delay = delays[attempts - 1];
    return delay === undefined ? null : new Date(this.o.now().getTime() + delay).toISOString();
  }

  /**
   * Fetch an unavailable file now (its retry, or a rep asking for it): on success the attachment
   * becomes an ordinary one and its messages are published again; on failure the next try is set.
   * Resolves to whether the file is here.
   */
  async fetchMediaNow(attachmentId: string): Promise<boolean> {
    const { store, publisher, files } = this.o;
    const a = await store.getAttachment(attachmentId);
    if (!a) return false;
    if (!a.unfetched) return true;
    const { provider, ref } = a.unfetched.source;
    const connector = this.o.connectors.all().find((c) => c.provider === provider);
    let messages: MessageRecord[];
    let here = false;
    try {
      if (!connector?.fetchInboundMedia) throw new Error(`no ${provider} connector is configured to fetch it`);
      const bytes = await connector.fetchInboundMedia(ref);
      const facts = await leadFileFacts(bytes, a.fileName);
      messages = await store.completeFetch(a.id, { ...facts, path: await files.write(a.id, bytes) });
      here = true;
    } catch (err) {
      const next = this.nextFetchAt(a.unfetched.attempts + 1);
      this.o.onError?.(
        `media ${a.id} could not be fetched again${next ? '' : ' (no more automatic retries)'}: ${(err as Error).message}`,
      );
      messages = await store.recordFetchFailure(a.id, next);
      // The rep's view changes only when the retries are used up ("retrying" → "unavailable").
      if (next) messages = [];
    }
    for (const m of messages) await publisher.message(m);
    return here;
  }

  private mediaTimer: NodeJS.Timeout | null = null;
  private mediaRun: Promise<void> | null = null;
  private closed = false;

  /** One timer, for the soonest download due. */
  private async planMediaRetries(): Promise<void> {
    if (this.closed) return;
    const [soonest] = await this.o.store.unfetchedAttachments();
    if (this.mediaTimer) clearTimeout(this.mediaTimer);
    this.mediaTimer = null;
    if (!soonest?.unfetched?.nextFetchAt || this.closed) return;
    const wait = Math.min(Math.max(0, Date.parse(soonest.unfetched.nextFetchAt) - this.o.now().getTime()), 2 ** 31 - 1);
    this.mediaTimer = setTimeout(() => {
      this.mediaTimer = null;
      void this.retryDueMedia();
    }, wait);
    this.mediaTimer.unref();
  }

  /** Try every download that is due, one at a time, then plan the next. */
  retryDueMedia(): Promise<void> {
    this.mediaRun ??= (async () => {
      try {
        const now = this.o.now().toISOString();
        for (const a of await this.o.store.unfetchedAttachments()) {
          if (this.closed || !a.unfetched?.nextFetchAt || a.unfetched.nextFetchAt > now) break;
          await this.fetchMediaNow(a.id);
        }
      } catch (err) {
        this.o.onError?.(`media retries: ${(err as Error).message}`);
      } finally {
        this.mediaRun = null;
      }
      await this.planMediaRetries();
    })();
    return this.mediaRun;
  }

  /** Stop the download timer (shutdown); a retry under way finishes first. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.mediaTimer) clearTimeout(this.mediaTimer);
    this.mediaTimer = null;
    await this.mediaRun;
  }

  status(update: StatusUpdate): Promise<void> {
    const next = this.statusChain.then(() => this.applyStatus(update));
    // A failure is reported and does not stop later statuses (nor crash the process).
    this.statusChain = next.catch((err: Error) =>
      this.o.onError?.(`status ${update.providerMessageId}: ${err.message}`),
    );
    return next.then(() => undefined);
  }

  /** Resolves when every status handed in so far is applied (tests and shutdown). */
  settled(): Promise<void> {
    return this.statusChain.then(() => undefined);
  }

  private async applyStatus(update: StatusUpdate) {
    const { store, publisher } = this.o;
    let error: MessageError | null = null;
    // Provider text may quote the number, which some readers must not see.
    if (update.error)
      error = {
        code: update.error.code,
        message: scrubDigits(update.error.message),
        providerCode: update.error.providerCode,
      };
    const res = await store.applyProviderStatus(
      update.provider,
      update.providerMessageId,
      update.status,
      update.at.toISOString(),
      error,
    );
    if (!res || !res.changed) return;
    // Applied now, so a redelivery of this status changes nothing and publishes nothing: publish
    // it now, through a database that is away for a moment, or the desktops never learn it.
    await untilStored(() => publishCurrent(store, publisher, res.message), {
      sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref()),
      stopped: () => this.closed,
      report: (m) => this.o.onError?.(`status ${update.providerMessageId}: ${m}`),
    });
  }
}

function splitProfileName(profileName: string | null, channel: string): { first: string; last: string } {
  const name = (profileName ?? '').trim().replace(/\s+/g, ' ').slice(0, 100);
  if (!name) return { first: channel === 'whatsapp' ? 'WhatsApp' : 'SMS', last: 'contact' };
  const at = name.indexOf(' ');
  return at < 0 ? { first: name, last: '' } : { first: name.slice(0, at), last: name.slice(at + 1) };
}
