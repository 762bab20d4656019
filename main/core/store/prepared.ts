// A synced message made ready for its INSERT: a flat row of the strings and numbers the
// statement binds, taken from the message once it is validated, so the writer's hot loop binds
// positionally and never looks at the message object again.
import type { MessageView } from '../../../shared/domain';
import { SequencedEvent } from '../../../shared/stream-protocol';

/** [seq, at, id, clientId, conversationId, leadId, channel, direction, status, searchText, createdMs, createdAt, preview, json] */
export type PreparedMessage = [
  seq: number,
  at: string,
  id: string,
  clientId: string | null,
  conversationId: string,
  leadId: string,
  channel: string,
  direction: string,
  status: string,
  searchText: string,
  createdMs: number,
  createdAt: string,
  preview: string,
  json: string,
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
  return [
    seq,
    at,
    m.id,
    m.clientId,
    m.conversationId,
    m.leadId,
    m.channel,
    m.direction,
    m.status,
    searchableText(m),
    Date.parse(m.createdAt),
    m.createdAt,
    previewOf(m),
    JSON.stringify(m),
  ];
}

/** Validate one event of a frame and prepare it if it is a message; or why it cannot be read. */
export function prepareEvent(item: unknown): { event: WritableEvent } | { seq: unknown; reason: string } {
  const r = SequencedEvent.safeParse(item);
  if (!r.success) return { seq: (item as { seq?: unknown })?.seq, reason: r.error.issues[0]?.message ?? 'invalid' };
  const e = r.data;
  return { event: e.event.type === 'message.upserted' ? prepareMessage(e.seq, e.at, e.event.message) : e };
}
