// The demo's sandbox connectors: they accept every send, report it `sent` and then `delivered`
// after a short delay (through the same ChannelSink status path a real provider's webhook takes),
// and make a lead "reply" when told to. With auto-reply on, a demo lead answers a rep's message a
// couple of seconds later, so a new user sees a reply arrive.
import { randomUUID } from 'node:crypto';
import type { Channel } from '../../shared/domain';
import type { ChannelSink, Connector, OutboundMessage, SendOutcome } from './connector';

export interface SandboxOptions {
  /** The sink that receives statuses and inbound messages. */
  sink: () => ChannelSink;
  /** Delay before `sent` and before `delivered`, in ms (defaults 300 and 900). */
  sentAfterMs?: number;
  deliveredAfterMs?: number;
  /** Auto-reply from the lead this long after a rep's message; null: off. */
  autoReplyAfterMs?: number | null;
  /** Our business number on the sandbox. */
  businessNumber?: string;
  now?: () => Date;
}

const REPLIES = [
  'Thanks! Got it.',
  'Sounds good — can you tell me more?',
  'Great, what are the next steps?',
  'Perfect, talk soon.',
  'Could we schedule a call tomorrow?',
];

export class SandboxConnector implements Connector {
  readonly name: 'sandbox-sms' | 'sandbox-whatsapp';
  readonly provider = 'sandbox' as const;
  readonly businessNumber: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private replies = 0;

  constructor(readonly channel: Channel, private readonly o: SandboxOptions) {
    this.name = channel === 'sms' ? 'sandbox-sms' : 'sandbox-whatsapp';
    this.businessNumber = o.businessNumber ?? (channel === 'sms' ? '+14155550100' : '+14155550101');
  }

  async send(msg: OutboundMessage): Promise<SendOutcome> {
    if (this.closed) return { ok: false, retryable: true, code: 'provider_error', message: 'The sandbox is shutting down.' };
    const providerMessageId = `sbx_${randomUUID()}`;
    const now = this.o.now ?? (() => new Date());
    this.later(this.o.sentAfterMs ?? 300, () => this.o.sink().status({ provider: 'sandbox', providerMessageId, status: 'sent', at: now() }));
    this.later(this.o.deliveredAfterMs ?? 900, () => this.o.sink().status({ provider: 'sandbox', providerMessageId, status: 'delivered', at: now() }));
    const after = this.o.autoReplyAfterMs;
    if (after !== null && after !== undefined && !msg.template) {
      this.later(after, () => void this.inbound(msg.to, REPLIES[this.replies++ % REPLIES.length]).catch(() => undefined));
    }
    return { ok: true, providerMessageId, status: 'queued' };
  }

  /** The lead at `from` writes to us on this channel. */
  inbound(from: string, body: string, profileName: string | null = null) {
    const now = this.o.now ?? (() => new Date());
    return this.o.sink().inbound({
      provider: 'sandbox', channel: this.channel, providerMessageId: `sbx_in_${randomUUID()}`, from, to: this.businessNumber,
      body, profileName, receivedAt: now(), media: null,
    });
  }

  private later(ms: number, fn: () => void) {
    const t = setTimeout(() => { this.timers.delete(t); if (!this.closed) fn(); }, ms);
    this.timers.add(t);
  }

  async close() {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
