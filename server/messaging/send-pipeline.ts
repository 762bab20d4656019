// A rep's send, from the `send` frame to the provider: dedupe on the client id, every channel
// rule checked here on the server (the client's checks only warn early), stored as pending,
// handed to the connector, the outcome applied by the rank rule, retried with backoff when the
// provider says the error is retryable.
import { readFile } from 'node:fs/promises';
import type { Channel, MessageError } from '../../shared/domain';
import { ErrorCode } from '../../shared/error-codes';
import type { SendRequest } from '../../shared/stream-protocol';
import { isServiceWindowOpen, serviceWindowClosesAt } from '../../shared/service-window';
import type { Connector, OutboundMessage, SendOutcome } from '../channels/connector';
import { backoffDelay, DEFAULT_RETRY } from '../channels/retry';
import type { AttachmentRecord, MessageRecord, PhoneRecord, Store, UserRecord } from '../storage/store';
import type { Publisher } from '../domain/publisher';
import { canSeeLead } from '../domain/access';
import { scrubNumber } from '../domain/views';
import { countMessage } from '../reports/count-usage';
import {
  checkSend,
  contentOf,
  numberFor,
  pickPhone,
  type SendContent,
  type SendFacts,
  type SendResult,
} from './send-checks';

/** Which connector carries each channel; null when the workspace has none configured. */
export interface ConnectorSet {
  forChannel(channel: Channel): Connector | null;
  all(): Connector[];
}

export type { SendResult } from './send-checks';

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

/** A send every check passed: what is stored and handed to the connector. */
interface AcceptedSend {
  user: UserRecord;
  req: SendRequest;
  phone: PhoneRecord;
  connector: Connector;
  /** The number as the channel accepts it. */
  e164: string;
  content: SendContent;
  attachment: AttachmentRecord | null;
}

/** The facts narrowed to an accepted send; null only if the checks let through a send they should not. */
function accepted(f: SendFacts): AcceptedSend | null {
  const { user, req, lead, phone, connector, number, attachment } = f;
  if (!lead || !phone || !connector || !number?.ok) return null;
  return { user, req, phone, connector, e164: number.e164, content: contentOf(f, lead), attachment };
}

/** One provider call; a throw (network, DNS) is a retryable failure like a 5xx. */
async function attemptSend(connector: Connector, outbound: OutboundMessage): Promise<SendOutcome> {
  try {
    return await connector.send(outbound);
  } catch (err) {
    return {
      ok: false,
      retryable: true,
      code: ErrorCode.PROVIDER_ERROR,
      message: `The provider could not be reached (${(err as Error).message}).`,
    };
  }
}

/** The provider call: the text or template, and the file (with its caption) when there is one. */
async function outboundOf(messageId: string, send: AcceptedSend): Promise<OutboundMessage> {
  const { content, attachment, req } = send;
  const outbound: OutboundMessage = { messageId, to: send.e164, body: content.body, template: content.template };
  if (!attachment) return outbound;
  outbound.media = {
    bytes: new Uint8Array(await readFile(attachment.path)),
    mimeType: attachment.mimeType,
    fileName: attachment.fileName,
    kind: attachment.kind,
  };
  if (req.caption) outbound.caption = req.caption;
  return outbound;
}

export class SendPipeline {
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly o: SendPipelineOptions) {}

  async send(user: UserRecord, req: SendRequest): Promise<SendResult> {
    const facts = await this.readFacts(user, req);
    const answer = checkSend(facts);
    if (answer) return answer;
    const send = accepted(facts);
    if (!send) throw new Error('the send checks passed a send without a lead, a number and a connector');
    return this.store(send);
  }

  /** What the checks decide on. Reading stops where a fact already decides the send (a resend, a lead
   * the sender cannot see), so those answers cost no further reads. */
  private async readFacts(user: UserRecord, req: SendRequest): Promise<SendFacts> {
    const { store, now } = this.o;
    const none: SendFacts = {
      user,
      req,
      earlier: null,
      lead: null,
      phone: null,
      connector: null,
      number: null,
      template: null,
      attachment: null,
      windowOpen: undefined,
      smsOptedOut: false,
    };
    const earlier = await store.messageByClientId(req.clientId);
    if (earlier) return { ...none, earlier };
    const lead = (await canSeeLead(store, user, req.leadId)) ? await store.getLead(req.leadId) : null;
    if (!lead) return none;
    const phone = pickPhone(lead, req.to);
    const connector = this.o.connectors.forChannel(req.channel);
    const number = phone && connector ? numberFor(req.channel, phone.e164) : null;
    const template = req.templateId ? await store.getTemplate(req.templateId) : null;
    const attachment = req.attachmentId ? await store.getAttachment(req.attachmentId) : null;
    const windowOpen =
      req.channel === 'whatsapp'
        ? isServiceWindowOpen(
            serviceWindowClosesAt((await store.getConversation(`${lead.id}:whatsapp`))?.lastInboundAt ?? null),
            now(),
          )
        : undefined;
    const smsOptedOut =
      req.channel === 'sms' &&
      connector !== null &&
      number?.ok === true &&
      (await store.isOptedOut(connector.businessNumber, number.e164));
    return { ...none, lead, phone, connector, number, template, attachment, windowOpen, smsOptedOut };
  }

  /** Stored as pending and published, then handed to the connector in the background. */
  private async store(send: AcceptedSend): Promise<SendResult> {
    const { user, req, phone, connector, content, attachment } = send;
    const { message, duplicate } = await this.o.store.createOutbound({
      clientId: req.clientId,
      leadId: req.leadId,
      channel: req.channel,
      body: content.body,
      phoneId: phone.id,
      templateId: req.templateId ?? null,
      templateName: content.templateName,
      attachmentId: attachment?.id ?? null,
      caption: req.caption ?? null,
      authorUserId: user.id,
      provider: connector.provider,
      connector: connector.name,
      at: this.o.now().toISOString(),
    });
    if (duplicate) return { ok: true, messageId: message.id, duplicate: true };
    await this.o.publisher.messageWithConversation(message);
    const outbound = await outboundOf(message.id, send);
    this.track(this.deliver(connector, message, outbound, send.e164, user.id, 0));
    return { ok: true, messageId: message.id, duplicate: false };
  }

  private track(p: Promise<void>) {
    const tracked = p
      .catch((err: Error) => this.o.onError?.(`send failed in the background: ${err.message}`))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Delivery: one provider call; the outcome stored and published, or retried after the backoff when
   * the provider says the error is retryable. */
  private async deliver(
    connector: Connector,
    message: MessageRecord,
    outbound: OutboundMessage,
    e164: string,
    authorId: string,
    attempt: number,
  ): Promise<void> {
    if (this.closed) return;
    const outcome = await attemptSend(connector, outbound);
    if (this.closed) return;
    if (outcome.ok) return this.delivered(connector, message, outcome.providerMessageId, outcome.status, authorId);
    const delay = this.retryDelay(outcome, attempt);
    if (delay === null) return this.failed(message, outcome, e164);
    await this.sleep(delay);
    return this.deliver(connector, message, outbound, e164, authorId, attempt + 1);
  }

  /** The provider took it: its id and status stored, statuses that raced ahead of the response applied. */
  private async delivered(
    connector: Connector,
    message: MessageRecord,
    providerMessageId: string,
    status: Extract<SendOutcome, { ok: true }>['status'],
    authorId: string,
  ) {
    const { store, publisher, now } = this.o;
    await store.setProviderId(message.id, providerMessageId);
    let latest = (await store.applyStatus(message.id, status, now().toISOString(), null))?.message ?? message;
    for (const early of await store.takeEarlyStatuses(connector.provider, providerMessageId)) {
      latest = (await store.applyStatus(message.id, early.status, early.at, early.error))?.message ?? latest;
    }
    await countMessage(store, {
      at: now(),
      provider: connector.provider,
      channel: message.channel,
      direction: 'outbound',
      userId: authorId,
    });
    await publisher.message(latest);
  }

  /** The provider refused for good: the rep reads its reason, never the lead's number. */
  private async failed(message: MessageRecord, outcome: Extract<SendOutcome, { ok: false }>, e164: string) {
    const error: MessageError = {
      code: outcome.code || ErrorCode.PROVIDER_ERROR,
      message: scrubNumber(outcome.message, e164),
      providerCode: outcome.providerCode,
    };
    const res = await this.o.store.applyStatus(message.id, 'failed', this.o.now().toISOString(), error);
    if (res) await this.o.publisher.message(res.message);
  }

  /** The wait before the next attempt; null when the failure is final or the attempts are used up. */
  private retryDelay(outcome: Extract<SendOutcome, { ok: false }>, attempt: number): number | null {
    const fixed = this.o.retryDelaysMs;
    const retries = fixed?.length ?? DEFAULT_RETRY.maxAttempts - 1;
    if (!outcome.retryable || attempt >= retries) return null;
    return fixed?.[attempt] ?? backoffDelay(attempt, DEFAULT_RETRY, outcome.retryAfterMs);
  }

  /** A wait close() can cut short. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.set(t, resolve);
    });
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
      const res = await store.applyStatus(m.id, 'failed', now().toISOString(), {
        code: ErrorCode.PROVIDER_ERROR,
        message:
          'The server stopped before the provider confirmed this message; it may not have been sent. Send it again if needed.',
      });
      if (res?.changed) await publisher.message(res.message);
    }
    return stuck.length;
  }

  /** Stop retrying; waits (up to waitMs) for provider calls already under way. Their outcome is not stored
   * after this, so such a message stays pending and the next start marks it failed (failInterrupted). */
  async close(waitMs = 2000) {
    this.closed = true;
    for (const [t, wake] of this.timers) {
      clearTimeout(t);
      wake();
    }
    this.timers.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise<void>((r) => {
        timer = setTimeout(r, waitMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
