// A synced message made ready for its INSERT before it reaches the store writer's thread: the
// main thread parses and validates frames anyway, and a flat row of strings and numbers crosses
// to the worker about ten times cheaper than the message object (structured clone walks every
// property), so the thread that holds the write lock does little besides SQLite.
import type { MessageView } from '../../../shared/domain';
import { SequencedEvent } from '../../../shared/stream-protocol';

/** [seq, at, id, clientId, conversationId, leadId, channel, direction, status, searchText, createdMs, createdAt, preview, json] */
export type PreparedMessage = [
  seq: number, at: string, id: string, clientId: string | null, conversationId: string, leadId: string, channel: string,
  direction: string, status: string, searchText: string, createdMs: number, createdAt: string, preview: string, json: string,
];

/** What the writer applies: a prepared message, or any other event as it came. */
export type WritableEvent = SequencedEvent | PreparedMessage;

/** What search finds a message by: its text, caption, template and file name. */
export function searchableText(m: MessageView): string {
  return [m.body, m.caption, m.templateName, m.attachment?.fileName].filter((s): s is string => !!s).join(' ');
}

/** The line a conversation list shows for its newest message. */
export function previewOf(m: MessageView): string {
  return (m.body || m.caption || m.templateName || m.attachment?.fileName || '').slice(0, 200);
}

export function prepareMessage(seq: number, at: string, m: MessageView): PreparedMessage {
  return [seq, at, m.id, m.clientId, m.conversationId, m.leadId, m.channel, m.direction, m.status, searchableText(m),
    Date.parse(m.createdAt), m.createdAt, previewOf(m), JSON.stringify(m)];
}

export interface PreparedFrame {
  events: WritableEvent[];
  /** The highest sequence among events that failed validation (the cursor moves past them). */
  skippedUpTo: number;
  invalid: { seq: unknown; reason: string }[];
}

/** Validate a frame's events and prepare its messages. */
export function prepareEvents(raw: readonly unknown[]): PreparedFrame {
  const out: PreparedFrame = { events: [], skippedUpTo: 0, invalid: [] };
  for (const item of raw) {
    const r = SequencedEvent.safeParse(item);
    if (!r.success) {
      const seq = (item as { seq?: unknown })?.seq;
      out.invalid.push({ seq, reason: r.error.issues[0]?.message ?? 'invalid' });
      // Move the cursor past it anyway, or the same event would block every resume.
      if (typeof seq === 'number' && Number.isInteger(seq) && seq > out.skippedUpTo) out.skippedUpTo = seq;
      continue;
    }
    const e = r.data;
    out.events.push(e.event.type === 'message.upserted' ? prepareMessage(e.seq, e.at, e.event.message) : e);
  }
  return out;
}
