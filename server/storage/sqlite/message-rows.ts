// Messages and attachments as SQLite returns them, and how they become records: shared by the
// parts that return messages (messages, inbound, statuses, attachments, Activity History).
import type {
  AttachmentBlockReason,
  AttachmentKind,
  Channel,
  Direction,
  MessageError,
  MessageStatus,
} from '../../../shared/domain';
import type { AttachmentRecord, MessageRecord } from '../records';
import type { ProviderName } from '../saved-webhooks';
import { json, MESSAGE_SQL, unfetchedFrom } from '../rows';
import type { SqliteConnection } from './connection';

export interface AttachmentRow {
  id: string;
  file_name: string;
  mime_type: string;
  size: number;
  kind: AttachmentKind;
  path: string;
  uploaded_by: string | null;
  created_at: string;
  /** JSON of UnfetchedMedia['source'] while the file is still to download. */
  fetch_source: string | null;
  fetch_attempts: number;
  next_fetch_at: string | null;
  blocked: AttachmentBlockReason | null;
}

export interface MessageRow {
  seq: number;
  id: string;
  client_id: string | null;
  conversation_id: string;
  lead_id: string;
  channel: Channel;
  direction: Direction;
  body: string;
  phone_id: string | null;
  template_id: string | null;
  template_name: string | null;
  attachment_id: string | null;
  caption: string | null;
  status: MessageStatus;
  /** JSON of MessageError. */
  error: string | null;
  provider: ProviderName | null;
  provider_message_id: string | null;
  connector: string | null;
  author_user_id: string | null;
  created_at: string;
  updated_at: string;
  send_owner: string | null;
  send_lease_until: string | null;
}

/** A message row joined with its attachment's columns, prefixed `a_` (all NULL without one). */
interface MessageWithAttachmentRow extends MessageRow {
  a_id: string | null;
  a_file_name: string;
  a_mime_type: string;
  a_size: number;
  a_kind: AttachmentKind;
  a_path: string;
  a_uploaded_by: string | null;
  a_created_at: string;
  a_fetch_source: string | null;
  a_fetch_attempts: number;
  a_next_fetch_at: string | null;
  a_blocked: AttachmentBlockReason | null;
}

export const attachmentFrom = (r: AttachmentRow): AttachmentRecord => ({
  id: r.id,
  fileName: r.file_name,
  mimeType: r.mime_type,
  size: r.size,
  kind: r.kind,
  path: r.path,
  uploadedBy: r.uploaded_by,
  createdAt: r.created_at,
  unfetched: unfetchedFrom(r.fetch_source, r.fetch_attempts, r.next_fetch_at),
  blocked: r.blocked,
});

const joinedAttachment = (r: MessageWithAttachmentRow): AttachmentRecord | null =>
  r.a_id
    ? attachmentFrom({
        id: r.a_id,
        file_name: r.a_file_name,
        mime_type: r.a_mime_type,
        size: r.a_size,
        kind: r.a_kind,
        path: r.a_path,
        uploaded_by: r.a_uploaded_by,
        created_at: r.a_created_at,
        fetch_source: r.a_fetch_source,
        fetch_attempts: r.a_fetch_attempts,
        next_fetch_at: r.a_next_fetch_at,
        blocked: r.a_blocked,
      })
    : null;

const messageFrom = (r: MessageWithAttachmentRow): MessageRecord => ({
  id: r.id,
  seq: r.seq,
  clientId: r.client_id,
  conversationId: r.conversation_id,
  leadId: r.lead_id,
  channel: r.channel,
  direction: r.direction,
  body: r.body,
  phoneId: r.phone_id,
  templateId: r.template_id,
  templateName: r.template_name,
  attachment: joinedAttachment(r),
  caption: r.caption,
  status: r.status,
  error: json<MessageError | null>(r.error, null),
  provider: r.provider,
  providerMessageId: r.provider_message_id,
  connector: r.connector,
  authorUserId: r.author_user_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The message with this id (and its attachment), or null. */
export function readMessage(c: SqliteConnection, id: string): MessageRecord | null {
  const r = c.get<MessageWithAttachmentRow>(`${MESSAGE_SQL} WHERE m.id = ?`, id);
  return r ? messageFrom(r) : null;
}

/** Messages matching `where` (over `m`, the message, and `a`, its attachment), e.g. `m.client_id = ?`. */
export function readMessages(c: SqliteConnection, where: string, ...args: unknown[]): MessageRecord[] {
  return c.all<MessageWithAttachmentRow>(`${MESSAGE_SQL} WHERE ${where}`, ...args).map(messageFrom);
}
