// The demo's sandbox connectors: they accept every send, report it `sent` and then `delivered`
// after a short delay (through the same ChannelSink status path a real provider's webhook takes),
// and make a lead "reply" when told to. With auto-reply on, a demo lead answers a rep's message a
// couple of seconds later, so a new user sees a reply arrive. A reply may carry a file (the
// CLI's `sandbox-reply --file`, the demo's seeded files), which arrives the way a provider's does:
// through the sink's media path, typed from its bytes, with the text as its caption.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Channel } from '../../shared/domain';
import { ErrorCode } from '../../shared/error-codes';
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

/** A file a sandbox lead sends: the bytes and the name it had on the lead's side. */
export interface SandboxFile {
  fileName: string;
  bytes: Uint8Array;
}

/** The largest file a sandbox reply carries: as base64 it stays under the API's 1 MiB JSON body limit. */
export const SANDBOX_FILE_MAX_BYTES = 700 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** POST /sandbox/inbound (the CLI's `sandbox-reply`): text, or a file with an optional caption. */
export const SandboxReplyRequest = z
  .object({
    leadId: z.string().max(100),
    channel: Channel,
    body: z.string().max(4096).default(''),
    phoneHandle: z.string().max(100).optional(),
    file: z
      .object({
        fileName: z.string().trim().min(1).max(255),
        dataBase64: z
          .string()
          .min(1)
          .max(Math.ceil(SANDBOX_FILE_MAX_BYTES / 3) * 4)
          .regex(BASE64, 'file.dataBase64 must be base64 (A–Z, a–z, 0–9, +, /).'),
      })
      .optional(),
  })
  .refine((r) => r.body.trim() !== '' || r.file !== undefined, {
    message: 'A sandbox reply needs a body, a file, or both.',
    path: ['body'],
  });
export type SandboxReplyRequest = z.infer<typeof SandboxReplyRequest>;

/** The file of a checked request, as bytes. */
export function sandboxFileOf(file: NonNullable<SandboxReplyRequest['file']>): SandboxFile {
  const buf = Buffer.from(file.dataBase64, 'base64');
  return { fileName: file.fileName, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
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

  constructor(
    readonly channel: Channel,
    private readonly o: SandboxOptions,
  ) {
    this.name = channel === 'sms' ? 'sandbox-sms' : 'sandbox-whatsapp';
    this.businessNumber = o.businessNumber ?? (channel === 'sms' ? '+14155550100' : '+14155550101');
  }

  async send(msg: OutboundMessage): Promise<SendOutcome> {
    if (this.closed)
      return { ok: false, retryable: true, code: ErrorCode.PROVIDER_ERROR, message: 'The sandbox is shutting down.' };
    const providerMessageId = `sbx_${randomUUID()}`;
    const now = this.o.now ?? (() => new Date());
    // A status that cannot be stored is reported by the sink (its onError); nothing more to do here.
    const report = (status: 'sent' | 'delivered') =>
      this.o
        .sink()
        .status({ provider: 'sandbox', providerMessageId, status, at: now() })
        .catch(() => undefined);
    this.later(this.o.sentAfterMs ?? 300, () => void report('sent'));
    this.later(this.o.deliveredAfterMs ?? 900, () => void report('delivered'));
    const after = this.o.autoReplyAfterMs;
    if (after !== null && after !== undefined && !msg.template) {
      this.later(
        after,
        () => void this.inbound(msg.to, REPLIES[this.replies++ % REPLIES.length]).catch(() => undefined),
      );
    }
    return { ok: true, providerMessageId, status: 'queued' };
  }

  /** The lead at `from` writes to us on this channel; with a file, `body` is its caption (may be empty). */
  inbound(from: string, body: string, profileName: string | null = null, file: SandboxFile | null = null) {
    const now = this.o.now ?? (() => new Date());
    const providerMessageId = `sbx_in_${randomUUID()}`;
    return this.o.sink().inbound({
      provider: 'sandbox',
      channel: this.channel,
      providerMessageId,
      from,
      to: this.businessNumber,
      // As providers send a file: no body, the text as the file's caption.
      body: file ? '' : body,
      profileName,
      receivedAt: now(),
      media: file
        ? {
            // The sink types the file from its bytes; this claim is only kept if they cannot be read.
            mimeType: 'application/octet-stream',
            fileName: file.fileName,
            caption: body.trim() ? body : null,
            ref: providerMessageId,
            fetch: async () => file.bytes,
          }
        : null,
    });
  }

  private later(ms: number, fn: () => void) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  async close() {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
