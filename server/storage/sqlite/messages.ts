// Conversations and outbound messages on SQLite: sends deduplicated on the client id, each held
// by a send lease (the node sending it) so a node's death is told apart from a send under way.
import type { Channel } from '../../../shared/domain';
import type { MessageStore } from '../message-store';
import type { ConversationRecord, NewOutbound } from '../records';
import { newId, type SqliteConnection } from './connection';
import { messagePreview } from '../rows';
import { readMessage, readMessages } from './message-rows';

interface ConversationRow {
  id: string;
  lead_id: string;
  channel: Channel;
  assignee_id: string | null;
  last_message_at: string | null;
  last_message_preview: string | null;
  last_inbound_at: string | null;
}

const conversationFrom = (r: ConversationRow): ConversationRecord => ({
  id: r.id,
  leadId: r.lead_id,
  channel: r.channel,
  assigneeId: r.assignee_id,
  lastMessageAt: r.last_message_at,
  lastMessagePreview: r.last_message_preview,
  lastInboundAt: r.last_inbound_at,
});

/** An outbound message still being sent: pending, and the provider has not given its id. */
const UNDER_WAY = `m.direction = 'outbound' AND m.status = 'pending' AND m.provider_message_id IS NULL`;

type MessagesPart = Pick<
  MessageStore,
  | 'getConversation'
  | 'listConversationsOfLead'
  | 'assignConversation'
  | 'readUpTo'
  | 'setReadUpTo'
  | 'messageByClientId'
  | 'createOutbound'
  | 'getMessage'
  | 'interruptedSends'
  | 'renewSendLeases'
  | 'messagesPage'
>;

export class SqliteMessages implements MessagesPart {
  constructor(private readonly c: SqliteConnection) {}

  async getConversation(id: string) {
    const r = this.c.get<ConversationRow>('SELECT * FROM conversations WHERE id = ?', id);
    return r ? conversationFrom(r) : null;
  }
  async listConversationsOfLead(leadId: string) {
    return this.c
      .all<ConversationRow>('SELECT * FROM conversations WHERE lead_id = ? ORDER BY channel', leadId)
      .map(conversationFrom);
  }
  async assignConversation(id: string, assigneeId: string | null) {
    this.c.run('UPDATE conversations SET assignee_id = ? WHERE id = ?', assigneeId, id);
    return this.getConversation(id);
  }
  async readUpTo(conversationId: string, userId: string) {
    return (
      this.c.get<{ r: string }>(
        'SELECT read_up_to AS r FROM conversation_reads WHERE conversation_id = ? AND user_id = ?',
        conversationId,
        userId,
      )?.r ?? null
    );
  }
  async setReadUpTo(conversationId: string, userId: string, at: string) {
    // Read marks only move forward, whichever device sends them first.
    this.c.run(
      `INSERT INTO conversation_reads (conversation_id, user_id, read_up_to) VALUES (?, ?, ?)
      ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_up_to = max(read_up_to, excluded.read_up_to)`,
      conversationId,
      userId,
      at,
    );
    return (await this.readUpTo(conversationId, userId))!;
  }

  /** The lead's conversation on this channel, created when it is the first message; returns its id. */
  ensureConversationSync(leadId: string, channel: Channel): string {
    const id = `${leadId}:${channel}`;
    this.c.run('INSERT OR IGNORE INTO conversations (id, lead_id, channel) VALUES (?, ?, ?)', id, leadId, channel);
    return id;
  }

  async getMessage(id: string) {
    return readMessage(this.c, id);
  }
  async messageByClientId(clientId: string) {
    return readMessages(this.c, 'm.client_id = ?', clientId)[0] ?? null;
  }
  async createOutbound(m: NewOutbound) {
    return this.c.tx(() => {
      const existing = this.c.get<{ id: string }>('SELECT id FROM messages WHERE client_id = ?', m.clientId);
      if (existing) return { message: readMessage(this.c, existing.id)!, duplicate: true };
      const conversationId = this.ensureConversationSync(m.leadId, m.channel);
      const id = newId('msg');
      this.c.run(
        `INSERT INTO messages (id, client_id, conversation_id, lead_id, channel, direction, body, phone_id, template_id, template_name,
        attachment_id, caption, status, provider, connector, author_user_id, created_at, updated_at, send_owner, send_lease_until)
        VALUES (?, ?, ?, ?, ?, 'outbound', ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
        id,
        m.clientId,
        conversationId,
        m.leadId,
        m.channel,
        m.body,
        m.phoneId,
        m.templateId,
        m.templateName,
        m.attachmentId,
        m.caption,
        m.provider,
        m.connector,
        m.authorUserId,
        m.at,
        m.at,
        m.sendLease.owner,
        m.sendLease.until,
      );
      this.c.run('INSERT INTO message_status_history (message_id, status, at) VALUES (?, ?, ?)', id, 'pending', m.at);
      this.c.run(
        'UPDATE conversations SET last_message_at = ?, last_message_preview = ? WHERE id = ?',
        m.at,
        messagePreview(m.body, m.caption, m.attachmentId),
        conversationId,
      );
      return { message: readMessage(this.c, id)!, duplicate: false };
    });
  }
  async interruptedSends(at: string, previousOwner: string | null) {
    // A NULL lease (a send stored before leases) counts as expired. `send_owner = NULL` matches nothing.
    // Every node sweeps this every few seconds: read through the partial index of sends under way
    // (a handful of rows), never a scan of every message.
    return readMessages(
      this.c,
      `m.seq IN (SELECT m.seq FROM messages AS m INDEXED BY messages_sends_under_way WHERE ${UNDER_WAY}
        AND (m.send_lease_until IS NULL OR m.send_lease_until <= ? OR m.send_owner = ?)) ORDER BY m.seq`,
      at,
      previousOwner,
    );
  }
  async renewSendLeases(owner: string, until: string) {
    return this.c.run(
      `UPDATE messages AS m SET send_lease_until = ? WHERE m.send_owner = ? AND ${UNDER_WAY}`,
      until,
      owner,
    ).changes;
  }
  async messagesPage(conversationId: string, beforeSeq: number | null, limit: number) {
    return readMessages(
      this.c,
      'm.conversation_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?',
      conversationId,
      beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit,
    ).reverse();
  }
}
