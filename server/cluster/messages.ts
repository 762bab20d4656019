// What nodes say to each other on the bus, validated on the way in: Redis is outside this
// process, so a message from it is input like any other. Two kinds: doorbells (a user's log
// reached a seq, with the events when they are small) and revoked sessions.
import { z } from 'zod';
import { StreamEvent } from '../../shared/stream-protocol';
import type { AppendedEvent } from '../storage/store';

const Id = z.string().min(1).max(200);

/** One user's log reached `seq`; `at` and `event` travel together, or neither (read the log). */
export const Doorbell = z
  .object({
    userId: Id,
    seq: z.number().int().positive(),
    at: z.string().max(40).optional(),
    event: StreamEvent.optional(),
  })
  .refine((d) => (d.at === undefined) === (d.event === undefined), {
    message: 'at and event come together or not at all',
  });
export type Doorbell = z.infer<typeof Doorbell>;

/** The most doorbells or session ids in one message (a larger batch is split). */
export const MAX_ITEMS_PER_MESSAGE = 500;

export const BusMessage = z.discriminatedUnion('kind', [
  z.object({
    v: z.literal(1),
    kind: z.literal('events'),
    node: Id,
    events: z.array(Doorbell).min(1).max(MAX_ITEMS_PER_MESSAGE),
  }),
  z.object({
    v: z.literal(1),
    kind: z.literal('revoked'),
    node: Id,
    sessionIds: z.array(Id).min(1).max(MAX_ITEMS_PER_MESSAGE),
  }),
]);
export type BusMessage = z.infer<typeof BusMessage>;

/** A doorbell that carries its event, as the hub delivers it. */
export function carriesEvent(d: Doorbell): d is Doorbell & AppendedEvent {
  return d.event !== undefined && d.at !== undefined;
}

/**
 * The text of one events message: with the events when it stays within `maxBytes` (Redis is a
 * doorbell, not a pipe for large payloads), else only users and seqs, which each node reads from
 * the log.
 */
export function eventsMessage(node: string, events: AppendedEvent[], maxBytes: number): string {
  const full = JSON.stringify({ v: 1, kind: 'events', node, events } satisfies BusMessage);
  if (Buffer.byteLength(full) <= maxBytes) return full;
  return seqsMessage(node, events);
}

/** Doorbells without their events: each node reads the log. */
export function seqsMessage(node: string, seqs: { userId: string; seq: number }[]): string {
  const events = seqs.map(({ userId, seq }) => ({ userId, seq }));
  return JSON.stringify({ v: 1, kind: 'events', node, events } satisfies BusMessage);
}

export function revokedMessage(node: string, sessionIds: string[]): string {
  return JSON.stringify({ v: 1, kind: 'revoked', node, sessionIds } satisfies BusMessage);
}

/**
 * Whether `text` is a message `node` wrote (every node hears its own messages on the channel):
 * the messages above start with their envelope, in this order, so a node knows its own without
 * parsing them (it delivered their events already).
 */
export function writtenBy(text: string, node: string): boolean {
  const envelope = (kind: BusMessage['kind']) => `{"v":1,"kind":"${kind}","node":${JSON.stringify(node)},`;
  return text.startsWith(envelope('events')) || text.startsWith(envelope('revoked'));
}

/** The message, or why it was refused (for the log; never thrown). */
export function parseBusMessage(text: string): { ok: true; message: BusMessage } | { ok: false; why: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, why: 'not JSON' };
  }
  const parsed = BusMessage.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, why: `${issue?.path.map(String).join('.') || 'message'}: ${issue?.message ?? 'invalid'}` };
}

/** Splits a batch into message-sized chunks. */
export function chunks<T>(items: T[], size = MAX_ITEMS_PER_MESSAGE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
