// Conversations and messages on PostgreSQL, outbound and statuses: part of the MessageStore seam
// (inbound is inbound.ts), mirroring server/storage/sqlite.ts. Sends are deduplicated with
// INSERT … ON CONFLICT (client_id) DO NOTHING and carry the sending node's lease, so a node that
// dies mid-send leaves its sends for another node to find (interruptedSends).
import { applyStatus as rankStatus } from '../../../shared/message-status';
import type { Channel, MessageError, MessageStatus } from '../../../shared/domain';
import type { AttachmentRecord, ConversationRecord, MessageRecord, NewOutbound, StatusApplyResult } from '../store';
import type { MessageStore } from '../message-store';
import { json, newId, type Db, type Row, type Sql } from './db';
import { MESSAGE_SQL, messagePreview, unfetchedFrom } from '../rows';
import { bumpUsagesIn } from './usage';
import { coalesced, coalescedById } from './coalesced';

function attachmentOf(r: Row): AttachmentRecord | null {
  if (!r.a_id) return null;
  return {
    id: r.a_id,
    fileName: r.a_file_name,
    mimeType: r.a_mime_type,
    size: r.a_size,
    kind: r.a_kind,
    path: r.a_path,
    uploadedBy: r.a_uploaded_by ?? null,
    createdAt: r.a_created_at,
    unfetched: unfetchedFrom(r.a_fetch_source, r.a_fetch_attempts, r.a_next_fetch_at),
    blocked: r.a_blocked ?? null,
  };
}

export function messageFrom(r: Row): MessageRecord {
  return {
    id: r.id,
    seq: r.seq,
    clientId: r.client_id ?? null,
    conversationId: r.conversation_id,
    leadId: r.lead_id,
    channel: r.channel,
    direction: r.direction,
    body: r.body,
    phoneId: r.phone_id ?? null,
    templateId: r.template_id ?? null,
    templateName: r.template_name ?? null,
    attachment: attachmentOf(r),
    caption: r.caption ?? null,
    status: r.status,
    error: json<MessageError | null>(r.error, null),
    provider: r.provider ?? null,
    providerMessageId: r.provider_message_id ?? null,
    connector: r.connector ?? null,
    authorUserId: r.author_user_id ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function messageIn(s: Sql, id: string): Promise<MessageRecord | null> {
  const r = await s.one(`${MESSAGE_SQL} WHERE m.id = $1`, [id]);
  return r ? messageFrom(r) : null;
}

const convFrom = (r: Row): ConversationRecord => ({
  id: r.id,
  leadId: r.lead_id,
  channel: r.channel as Channel,
  assigneeId: r.assignee_id ?? null,
  lastMessageAt: r.last_message_at ?? null,
  lastMessagePreview: r.last_message_preview ?? null,
  lastInboundAt: r.last_inbound_at ?? null,
});

/** The lead's conversation on a channel, made when missing; `opened` says it was made just now. */
async function openConversation(s: Sql, leadId: string, channel: Channel): Promise<{ id: string; opened: boolean }> {
  const id = `${leadId}:${channel}`;
  const made = await s.rows(
    'INSERT INTO conversations (id, lead_id, channel) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id',
    [id, leadId, channel],
  );
  return { id, opened: made.length === 1 };
}

export async function ensureConversation(s: Sql, leadId: string, channel: Channel): Promise<string> {
  return (await openConversation(s, leadId, channel)).id;
}

async function createOutboundIn(s: Sql, m: NewOutbound) {
  const conversationId = await ensureConversation(s, m.leadId, m.channel);
  const id = newId('msg');
  const inserted = await s.run(
    `INSERT INTO messages (id, client_id, conversation_id, lead_id, channel, direction, body, phone_id, template_id, template_name,
    attachment_id, caption, status, provider, connector, author_user_id, created_at, updated_at, send_owner, send_lease_until)
    VALUES ($1, $2, $3, $4, $5, 'outbound', $6, $7, $8, $9, $10, $11, 'pending', $12, $13, $14, $15, $15, $16, $17)
    ON CONFLICT (client_id) DO NOTHING`,
    [
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
      m.sendLease.owner,
      m.sendLease.until,
    ],
  );
  if (inserted === 0) {
    const existing = (await s.one(`${MESSAGE_SQL} WHERE m.client_id = $1`, [m.clientId]))!;
    return { message: messageFrom(existing), duplicate: true };
  }
  await s.run('INSERT INTO message_status_history (message_id, status, at) VALUES ($1, $2, $3)', [id, 'pending', m.at]);
  await s.run('UPDATE conversations SET last_message_at = $1, last_message_preview = $2 WHERE id = $3', [
    m.at,
    messagePreview(m.body, m.caption, m.attachmentId),
    conversationId,
  ]);
  return { message: (await messageIn(s, id))!, duplicate: false };
}

async function applyStatusIn(
  s: Sql,
  messageId: string,
  status: MessageStatus,
  at: string,
  error: MessageError | null,
): Promise<StatusApplyResult | null> {
  // FOR UPDATE: two nodes applying statuses to one message rank them one after the other.
  const cur = await s.one<{ status: MessageStatus }>('SELECT status FROM messages WHERE id = $1 FOR UPDATE', [
    messageId,
  ]);
  if (!cur) return null;
  const change = rankStatus(cur.status, status);
  if (change.ignored) return { message: (await messageIn(s, messageId))!, changed: false };
  const errorJson = error ? JSON.stringify(error) : null;
  await s.run('INSERT INTO message_status_history (message_id, status, at, error) VALUES ($1, $2, $3, $4)', [
    messageId,
    status,
    at,
    errorJson,
  ]);
  if (change.recordError && error)
    await s.run('UPDATE messages SET status = $1, error = $2, updated_at = $3 WHERE id = $4', [
      change.status,
      errorJson,
      at,
      messageId,
    ]);
  else if (change.status !== 'failed')
    await s.run('UPDATE messages SET status = $1, error = NULL, updated_at = $2 WHERE id = $3', [
      change.status,
      at,
      messageId,
    ]);
  else await s.run('UPDATE messages SET status = $1, updated_at = $2 WHERE id = $3', [change.status, at, messageId]);
  return { message: (await messageIn(s, messageId))!, changed: true };
}

type OutboundPart = Omit<
  MessageStore,
  'createInbound' | 'inboundReceipt' | 'receiveInbound' | 'applyInboundOutcome' | 'unappliedInbound'
>;

export function messageStore(db: Db): OutboundPart {
  const getConversation = coalescedById(db, 'SELECT * FROM conversations WHERE id = ANY($1)', convFrom);
  const readMark = coalesced(async (keys: readonly { conversationId: string; userId: string }[]) =>
    (
      await db.rows<{ r: string | null }>(
        `SELECT r.read_up_to AS r FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(c, u, n)
          LEFT JOIN conversation_reads r ON r.conversation_id = k.c AND r.user_id = k.u ORDER BY k.n`,
        [keys.map((k) => k.conversationId), keys.map((k) => k.userId)],
      )
    ).map((row) => row.r ?? null),
  );
  const readUpTo = (conversationId: string, userId: string) => readMark({ conversationId, userId });
  return {
    getConversation,
    async listConversationsOfLead(leadId) {
      return (await db.rows('SELECT * FROM conversations WHERE lead_id = $1 ORDER BY channel', [leadId])).map(convFrom);
    },
    async assignConversation(id, assigneeId) {
      await db.run('UPDATE conversations SET assignee_id = $1 WHERE id = $2', [assigneeId, id]);
      return getConversation(id);
    },
    readUpTo,
    async setReadUpTo(conversationId, userId, at) {
      // Read marks only move forward, whichever device sends them first.
      const r = await db.one<{ r: string }>(
        `INSERT INTO conversation_reads (conversation_id, user_id, read_up_to) VALUES ($1, $2, $3)
        ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_up_to = GREATEST(conversation_reads.read_up_to, excluded.read_up_to)
        RETURNING read_up_to AS r`,
        [conversationId, userId, at],
      );
      return r!.r;
    },
    async messageByClientId(clientId) {
      const r = await db.one(`${MESSAGE_SQL} WHERE m.client_id = $1`, [clientId]);
      return r ? messageFrom(r) : null;
    },
    createOutbound: (m) => db.tx((s) => createOutboundIn(s, m)),
    getMessage: (id) => messageIn(db, id),
    async interruptedSends(at, previousOwner) {
      // A send with no lease (none was ever taken) counts as interrupted, like an expired one.
      const rows = await db.rows(
        `${MESSAGE_SQL} WHERE m.direction = 'outbound' AND m.status = 'pending' AND m.provider_message_id IS NULL
        AND (m.send_lease_until IS NULL OR m.send_lease_until <= $1 OR m.send_owner = $2) ORDER BY m.seq`,
        [at, previousOwner],
      );
      return rows.map(messageFrom);
    },
    async renewSendLeases(owner, until) {
      return db.run(
        `UPDATE messages SET send_lease_until = $2
        WHERE send_owner = $1 AND direction = 'outbound' AND status = 'pending' AND provider_message_id IS NULL`,
        [owner, until],
      );
    },
    async messagesPage(conversationId, beforeSeq, limit) {
      const rows = await db.rows(
        `${MESSAGE_SQL} WHERE m.conversation_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3`,
        [conversationId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit],
      );
      return rows.reverse().map(messageFrom);
    },
    // setProviderId, applyProviderStatus and takeEarlyStatuses serialise on the provider's message
    // id: across nodes, a status that finds no message (and is kept as early) and the send that
    // stores the id and drains the early ones could otherwise interleave and strand the status.
    setProviderId(messageId, providerMessageId) {
      return db.tx(async (s) => {
        await lockProviderMessage(s, providerMessageId);
        await s.run('UPDATE messages SET provider_message_id = $1 WHERE id = $2', [providerMessageId, messageId]);
      });
    },
    applyStatus: (messageId, status, at, error) => db.tx((s) => applyStatusIn(s, messageId, status, at, error)),
    applyProviderStatus(provider, providerMessageId, status, at, error) {
      return db.tx(async (s) => {
        await lockProviderMessage(s, providerMessageId);
        const m = await s.one<{ id: string }>(
          'SELECT id FROM messages WHERE provider = $1 AND provider_message_id = $2',
          [provider, providerMessageId],
        );
        if (m) return applyStatusIn(s, m.id, status, at, error);
        await s.run(
          'INSERT INTO early_statuses (provider, provider_message_id, status, at, error) VALUES ($1, $2, $3, $4, $5)',
          [provider, providerMessageId, status, at, error ? JSON.stringify(error) : null],
        );
        return null;
      });
    },
    recordProviderAcceptance(a) {
      return db.tx(async (s) => {
        await lockProviderMessage(s, a.providerMessageId);
        await s.run('UPDATE messages SET provider_message_id = $1 WHERE id = $2', [a.providerMessageId, a.messageId]);
        let latest = (await applyStatusIn(s, a.messageId, a.status, a.at, null))?.message ?? null;
        for (const early of await takeEarlyIn(s, a.provider, a.providerMessageId))
          latest = (await applyStatusIn(s, a.messageId, early.status, early.at, early.error))?.message ?? latest;
        await bumpUsagesIn(s, a.usage);
        return latest;
      });
    },
    takeEarlyStatuses(provider, providerMessageId) {
      return db.tx(async (s) => {
        await lockProviderMessage(s, providerMessageId);
        return takeEarlyIn(s, provider, providerMessageId);
      });
    },
  };
}

/** Serialise the transactions about one provider message id (statuses before and after its send stored it). */
async function lockProviderMessage(s: Sql, providerMessageId: string): Promise<void> {
  await s.one('SELECT pg_advisory_xact_lock(hashtext($1))', [`provider-message:${providerMessageId}`]);
}

/** Drain the statuses kept for a provider message id, in arrival order (inside the caller's transaction). */
async function takeEarlyIn(s: Sql, provider: string, providerMessageId: string) {
  const rows = await s.rows(
    `WITH gone AS (DELETE FROM early_statuses WHERE provider = $1 AND provider_message_id = $2 RETURNING *)
    SELECT * FROM gone ORDER BY n`,
    [provider, providerMessageId],
  );
  return rows.map((r) => ({
    status: r.status as MessageStatus,
    at: r.at as string,
    error: json<MessageError | null>(r.error, null),
  }));
}
