// A rep's send, from the `send` frame to the provider: dedupe on the client id, every channel
// rule checked here on the server (the client's checks only warn early), stored as pending,
// handed to the connector, the outcome applied by the rank rule, retried with backoff when the
// provider says the error is retryable. Each pending send is leased to the node sending it; the
// node renews its leases while the send is under way, and any node's sweep fails a send whose
// lease ran out (its node died) instead of sending it again.
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
import { usageRowsOf } from '../reports/count-usage';
import { publishCurrent, untilStored } from './durable-outcome';
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
  /** This node (its id), how long its lease on a send holds, and how often it renews them and sweeps. */
  node: { id: string; sendLeaseMs: number; renewEveryMs: number; sweepEveryMs: number };
}

/** What the rep reads on a send whose node stopped or died before the provider answered. */
const INTERRUPTED: MessageError = {
  code: ErrorCode.PROVIDER_ERROR,
  message:
    'The server stopped before the provider confirmed this message; it may not have been sent. Send it again if needed.',
};

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
  /** Ids of the messages this node is sending (provider call or backoff): its leases to renew, never swept. */
  private readonly underWay = new Set<string>();
  private leaseTimers: NodeJS.Timeout[] = [];

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
      sendLease: this.sendLease(),
    });
    if (duplicate) return { ok: true, messageId: message.id, duplicate: true };
    this.underWay.add(message.id);
    try {
      // Stored, so no resend under this client id will send it: its events must reach the log too.
      await this.stored(() => this.o.publisher.messageWithConversation(message));
      const outbound = await outboundOf(message.id, send);
      this.track(message.id, this.deliver(connector, message, outbound, send.e164, user.id, 0));
    } catch (err) {
      this.underWay.delete(message.id);
      throw err;
    }
    return { ok: true, messageId: message.id, duplicate: false };
  }

  /** This node's lease on a send, from now. */
  private sendLease() {
    return { owner: this.o.node.id, until: new Date(this.o.now().getTime() + this.o.node.sendLeaseMs).toISOString() };
  }

  private track(messageId: string, p: Promise<void>) {
    const tracked = p
      .catch((err: Error) => this.o.onError?.(`send failed in the background: ${err.message}`))
      .finally(() => {
        this.inFlight.delete(tracked);
        this.underWay.delete(messageId);
      });
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
    const at = now();
    // One transaction: the id, the status, the statuses that raced ahead of this answer, the usage count.
    const timeZone = await this.stored(() => store.workspaceTimeZone());
    const latest =
      (await this.stored(() =>
        store.recordProviderAcceptance({
          messageId: message.id,
          provider: connector.provider,
          providerMessageId,
          status,
          at: at.toISOString(),
          usage: usageRowsOf(
            { at, provider: connector.provider, channel: message.channel, direction: 'outbound', userId: authorId },
            timeZone,
          ),
        }),
      )) ?? message;
    // Stored: nothing will apply this status again, so this is the only chance to publish it.
    await this.stored(() => publishCurrent(store, publisher, latest));
  }

  /** The provider refused for good: the rep reads its reason, never the lead's number. */
  private async failed(message: MessageRecord, outcome: Extract<SendOutcome, { ok: false }>, e164: string) {
    const error: MessageError = {
      code: outcome.code || ErrorCode.PROVIDER_ERROR,
      message: scrubNumber(outcome.message, e164),
      providerCode: outcome.providerCode,
    };
    const res = await this.stored(() =>
      this.o.store.applyStatus(message.id, 'failed', this.o.now().toISOString(), error),
    );
    if (res) await this.stored(() => publishCurrent(this.o.store, this.o.publisher, res.message));
  }

  /**
   * A provider's answer is stored even when the database is away for a moment (a failover, a
   * dropped connection): dropping it would leave the send pending, to be failed as interrupted
   * although the provider has it. The events of a stored change too: a change applies once, so
   * its events are appended then or never (twice is harmless: an upsert). Renewed lease meanwhile.
   */
  private stored<T>(write: () => Promise<T>): Promise<T> {
    return untilStored(write, {
      sleep: (ms) => this.sleep(ms),
      stopped: () => this.closed,
      report: (m) => this.o.onError?.(`a send: ${m}`),
    });
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
   * On start: sends a previous run of this node stopped before the provider answered, and sends of
   * nodes whose leases ran out, are marked failed rather than sent again, because the provider may
   * have accepted them (sending twice is worse than asking the rep to resend).
   */
  async failInterrupted(): Promise<number> {
    return this.failStuck(await this.o.store.interruptedSends(this.o.now().toISOString(), this.o.node.id));
  }

  /** The periodic sweep: sends whose node stopped renewing their lease (it died) are failed and reported. */
  async sweepInterrupted(): Promise<number> {
    const stuck = await this.o.store.interruptedSends(this.o.now().toISOString(), null);
    // Ours are never swept while under way (a renewal that came late is not a death).
    return this.failStuck(stuck.filter((m) => !this.underWay.has(m.id)));
  }

  /** Extend the leases of the sends under way here; resolves to how many were renewed. */
  async renewLeases(): Promise<number> {
    if (this.underWay.size === 0) return 0;
    return this.o.store.renewSendLeases(this.o.node.id, this.sendLease().until);
  }

  private async failStuck(stuck: MessageRecord[]): Promise<number> {
    const { store, publisher, now } = this.o;
    for (const m of stuck) {
      const res = await store.applyStatus(m.id, 'failed', now().toISOString(), INTERRUPTED);
      // Failed now, so no later sweep finds it: publish it now or never.
      if (res?.changed) await this.stored(() => publishCurrent(store, publisher, res.message));
    }
    return stuck.length;
  }

  /** Renew this node's leases and sweep up dead nodes' sends on their timers (unref'd) until close. */
  startLeaseTimers(): void {
    if (this.closed || this.leaseTimers.length) return;
    const every = (ms: number, what: string, job: () => Promise<number>) => {
      const t = setInterval(() => {
        job().catch((err: Error) => this.o.onError?.(`${what}: ${err.message}`));
      }, ms);
      t.unref();
      this.leaseTimers.push(t);
    };
    every(this.o.node.renewEveryMs, 'renewing send leases', () => this.renewLeases());
    every(this.o.node.sweepEveryMs, 'sweeping interrupted sends', () => this.sweepInterrupted());
  }

  /** Stop retrying; waits (up to waitMs) for provider calls already under way. Their outcome is not stored
   * after this, so such a message stays pending; once its lease runs out another node's sweep marks it
   * failed, and this node's next start does at once (failInterrupted). */
  async close(waitMs = 2000) {
    this.closed = true;
    for (const t of this.leaseTimers) clearInterval(t);
    this.leaseTimers = [];
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
