// What both engines share between a row and a record: record ids, JSON columns, the message
// SELECT with its attachment's columns, an attachment's download state and the preview a
// conversation list shows. Written once, so the SQLite and PostgreSQL stores cannot drift apart.
import { v7 as timeOrderedUuid } from 'uuid';
import type { InboundArrival, NewInbound, UnfetchedMedia } from './records';

/**
 * A record id: its kind, then 32 hex digits (`msg_…`, `lead_…`): a UUIDv7, the creation time
 * first and random bits after (74 of them), so ids made one after another sort one after another.
 * Every table's key index then grows at its end: the rows an inbound message writes touch the
 * same few index pages as the messages before it, instead of a random page each (random UUIDv4
 * ids). A commit writes each page it changed in full, so a group commit's writes (SQLite:
 * sqlite/turn-commit.ts) share pages; together the two halved the SQLite node's disk written per
 * message under load (figures in commit 75f8542). Ids made before are random and stay valid:
 * nothing reads an id's digits.
 */
export const newId = (prefix: string) => `${prefix}_${timeOrderedUuid().replace(/-/g, '')}`;

/** A JSON column, or `fallback` when it is NULL or empty. */
export const json = <T>(s: string | null | undefined, fallback: T): T => (s ? (JSON.parse(s) as T) : fallback);

/** Message rows read from `source` (`m`: the table, or rows a statement has just written) with their attachment's columns. */
export const messageSqlFrom = (
  source: string,
) => `SELECT m.*, a.id AS a_id, a.file_name AS a_file_name, a.mime_type AS a_mime_type, a.size AS a_size, a.kind AS a_kind,
    a.path AS a_path, a.uploaded_by AS a_uploaded_by, a.created_at AS a_created_at, a.fetch_source AS a_fetch_source, a.fetch_attempts AS a_fetch_attempts,
    a.next_fetch_at AS a_next_fetch_at, a.blocked AS a_blocked FROM ${source} m LEFT JOIN attachments a ON a.id = m.attachment_id`;

/** Messages (`m`) with their attachment's columns prefixed `a_` (all NULL without one); the same SQL on both engines. */
export const MESSAGE_SQL = messageSqlFrom('messages');

/** An attachment's download state: null once its file is here. */
export const unfetchedFrom = (
  source: string | null,
  attempts: number | null,
  nextFetchAt: string | null,
): UnfetchedMedia | null =>
  source
    ? {
        source: JSON.parse(source) as UnfetchedMedia['source'],
        attempts: attempts ?? 0,
        nextFetchAt: nextFetchAt ?? null,
      }
    : null;

/** What a conversation list shows of its last message. */
export function messagePreview(body: string, caption: string | null, attachment: string | null): string {
  const text = body || caption || (attachment ? '📎 Attachment' : '');
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/** The message an arrival stores, once its sender's lead and phone are known. */
export function inboundOf(a: InboundArrival, leadId: string, phoneId: string): NewInbound {
  const { from: _from, newLead: _newLead, optOut: _optOut, ...message } = a;
  return { ...message, leadId, phoneId };
}
