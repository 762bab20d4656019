// A rep's send, from the `send` frame to the provider: dedupe on the client id, every channel
// rule checked here on the server (the client's checks only warn early), stored as pending,
// handed to the connector, the outcome applied by the rank rule, retried with backoff when the
// provider says the error is retryable.
import { readFile } from 'node:fs/promises';
import type { Channel, MessageError } from '../../shared/domain';
import { ErrorCode } from '../../shared/error-codes';
import type { SendRequest } from '../../shared/stream-protocol';
import { checkSmsNumber, normalisePhone } from '../../shared/phone';
import { isServiceWindowOpen, serviceWindowClosesAt } from '../../shared/service-window';
import { cannotReach, refuseSend } from '../../shared/send-rules';
import { fillTemplate, templateOffered, whatsAppTemplateParams } from '../../shared/template-fill';
import type { Connector, OutboundMessage } from '../channels/connector';
import { backoffDelay, DEFAULT_RETRY } from '../channels/retry';
import type { MessageRecord, Store, UserRecord } from '../storage/store';
import type { Publisher } from '../domain/publisher';
import { leadView, scrubNumber, templateView } from '../domain/views';
import { countMessage } from '../reports/count-usage';

/** Which connector carries each channel; null when the workspace has none configured. */
export interface ConnectorSet { forChannel(channel: Channel): Connector | null; all(): Connector[] }

export type SendResult = { ok: true; messageId: string; duplicate: boolean } | { ok: false; error: MessageError };

/** SMS bodies above this many characters are refused (the rule lives in shared/send-rules.ts). */
export { SMS_MAX_CHARS } from '../../shared/send-rules';

export interface SendPipelineOptions {
  store: Store;
  publisher: Publisher;
  connectors: ConnectorSet;
  now: () => Date;
  /** Fixed delays between attempts for retryable provider errors (tests); by default the
   * channels' backoff rule (server/channels/retry.ts: jitter, Retry-After honoured). */
  retryDelaysMs?: number[];
  /** Where background failures are reported. */
  onError?: (message: string) => void;
}

const refuse = (code: string, message: string): SendResult => ({ ok: false, error: { code, message } });

export class SendPipeline {
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly o: SendPipelineOptions) {}

  async send(user: UserRecord, req: SendRequest): Promise<SendResult> {
    const { store, now } = this.o;
    // A resend after a reconnect: answer with the stored message, never call the provider again.
    const existing = await store.messageByClientId(req.clientId);
    if (existing) {
      if (existing.authorUserId !== user.id) return refuse(ErrorCode.CONFLICT, 'This client id was already used for another message.');
      return { ok: true, messageId: existing.id, duplicate: true };
    }
    if (!(await store.canSeeLead(user.id, user.role, req.leadId))) return refuse(ErrorCode.NOT_FOUND, 'This lead does not exist or is not visible to you.');
    const lead = (await store.getLead(req.leadId))!;
    const phone = req.to === null ? lead.phones.find((p) => p.primary) ?? lead.phones[0] : lead.phones.find((p) => p.id === req.to);
    if (!phone) return refuse(ErrorCode.NO_PHONE, req.to === null ? 'This lead has no phone number.' : 'This phone number is not one of the lead\'s numbers.');
    const phoneMasked = user.maskedFields.includes('phones');
    const connector = this.o.connectors.forChannel(req.channel);
    if (!connector) return refuse(ErrorCode.CHANNEL_NOT_CONFIGURED, `No ${req.channel === 'sms' ? 'SMS' : 'WhatsApp'} connector is configured for this workspace.`);

    // The number: SMS to US numbers only; WhatsApp to any valid number.
    const number = req.channel === 'sms' ? checkSmsNumber(phone.e164) : normalisePhone(phone.e164);
    if (!number.ok) return refuse(number.code, phoneMasked ? scrubNumber(number.message, phone.e164) : number.message);

    // Content: a template, or text and/or one attachment.
    let body = req.body;
    let template: OutboundMessage['template'];
    let templateName: string | null = null;
    const senderView = leadView(lead, user, new Set());
    if (req.templateId) {
      const t = await store.getTemplate(req.templateId);
      if (!t || t.channel !== req.channel || !templateOffered(templateView(t))) {
        return refuse(ErrorCode.TEMPLATE_NOT_AVAILABLE, req.channel === 'whatsapp'
          ? 'This WhatsApp template is not approved or not marked "Available in Converse".'
          : 'This SMS template is not available.');
      }
      // Filled with the sender's own view of the lead, so a masked field stays masked.
      body = fillTemplate(templateView(t), senderView);
      templateName = t.name;
      if (t.channel === 'whatsapp') template = { name: t.name, language: t.language ?? 'en_US', params: whatsAppTemplateParams(templateView(t), senderView) };
    }
    const attachment = req.attachmentId ? await store.getAttachment(req.attachmentId) : null;
    if (req.attachmentId && !attachment) return refuse(ErrorCode.NOT_FOUND, 'The attachment was not found; upload it again.');
    if (attachment && attachment.uploadedBy !== user.id) return refuse(ErrorCode.FORBIDDEN, 'You can only send attachments you uploaded.');
    const windowOpen = req.channel === 'whatsapp'
      ? isServiceWindowOpen(serviceWindowClosesAt((await store.getConversation(`${lead.id}:whatsapp`))?.lastInboundAt ?? null), now())
      : undefined;
    // Every channel rule, the same ones the composer and the desktop's outbox apply (shared/send-rules.ts).
    const refused = refuseSend({
      channel: req.channel,
      to: { cannotReach: cannotReach(number.e164), smsOptedOut: req.channel === 'sms' && (await store.isOptedOut(connector.businessNumber, number.e164)) },
      windowOpen, body, template: templateName !== null,
      attachment: attachment ? { kind: attachment.kind, mimeType: attachment.mimeType, size: attachment.size } : null,
      caption: req.caption, connector: connector.name,
    });
    if (refused) return refuse(refused.code, refused.message);

    const at = now().toISOString();
    const { message, duplicate } = await store.createOutbound({
      clientId: req.clientId, leadId: lead.id, channel: req.channel, body, phoneId: phone.id, templateId: req.templateId ?? null,
      templateName, attachmentId: attachment?.id ?? null, caption: req.caption ?? null, authorUserId: user.id,
      provider: connector.provider, connector: connector.name, at,
    });
    if (duplicate) return { ok: true, messageId: message.id, duplicate: true };
    await this.o.publisher.messageWithConversation(message);

    const outbound: OutboundMessage = { messageId: message.id, to: number.e164, body, template };
    if (attachment) {
      outbound.media = { bytes: new Uint8Array(await readFile(attachment.path)), mimeType: attachment.mimeType, fileName: attachment.fileName, kind: attachment.kind };
      if (req.caption) outbound.caption = req.caption;
    }
    this.track(this.deliver(connector, message, outbound, number.e164, user.id, 0));
    return { ok: true, messageId: message.id, duplicate: false };
  }

  private track(p: Promise<void>) {
    const tracked = p.catch((err: Error) => this.o.onError?.(`send failed in the background: ${err.message}`)).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async deliver(connector: Connector, message: MessageRecord, outbound: OutboundMessage, e164: string, authorId: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const { store, publisher, now } = this.o;
    let outcome;
    try {
      outcome = await connector.send(outbound);
    } catch (err) {
      outcome = { ok: false as const, retryable: true, code: ErrorCode.PROVIDER_ERROR, message: `The provider could not be reached (${(err as Error).message}).` };
    }
    if (this.closed) return;
    if (outcome.ok) {
      await store.setProviderId(message.id, outcome.providerMessageId);
      let latest = (await store.applyStatus(message.id, outcome.status, now().toISOString(), null))?.message ?? message;
      // Statuses that raced ahead of the send's response.
      for (const early of await store.takeEarlyStatuses(connector.provider, outcome.providerMessageId)) {
        latest = (await store.applyStatus(message.id, early.status, early.at, early.error))?.message ?? latest;
      }
      await countMessage(store, { at: now(), provider: connector.provider, channel: message.channel, direction: 'outbound', userId: authorId });
      await publisher.message(latest);
      return;
    }
    const retries = this.o.retryDelaysMs?.length ?? DEFAULT_RETRY.maxAttempts - 1;
    if (outcome.retryable && attempt < retries) {
      const delay = this.o.retryDelaysMs?.[attempt] ?? backoffDelay(attempt, DEFAULT_RETRY, outcome.retryAfterMs);
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { this.timers.delete(t); resolve(); }, delay);
        this.timers.set(t, resolve);
      });
      return this.deliver(connector, message, outbound, e164, authorId, attempt + 1);
    }
    const error: MessageError = { code: outcome.code || ErrorCode.PROVIDER_ERROR, message: scrubNumber(outcome.message, e164), providerCode: outcome.providerCode };
    const res = await store.applyStatus(message.id, 'failed', now().toISOString(), error);
    if (res) await publisher.message(res.message);
  }

  /**
   * On start: sends a previous run stopped before the provider answered are marked failed rather
   * than sent again, because the provider may have accepted them (sending twice is worse than
   * asking the rep to resend).
   */
  async failInterrupted(): Promise<number> {
    const { store, publisher, now } = this.o;
    const stuck = await store.interruptedSends();
    for (const m of stuck) {
      const res = await store.applyStatus(m.id, 'failed', now().toISOString(), { code: ErrorCode.PROVIDER_ERROR, message: 'The server stopped before the provider confirmed this message; it may not have been sent. Send it again if needed.' });
      if (res?.changed) await publisher.message(res.message);
    }
    return stuck.length;
  }

  /** Stop retrying; waits (up to waitMs) for provider calls already under way. Their outcome is not stored
   * after this, so such a message stays pending and the next start marks it failed (failInterrupted). */
  async close(waitMs = 2000) {
    this.closed = true;
    for (const [t, wake] of this.timers) { clearTimeout(t); wake(); }
    this.timers.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise<void>((r) => { timer = setTimeout(r, waitMs); })]);
    clearTimeout(timer);
  }
}
