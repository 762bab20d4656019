// Conversations, how far the rep has read each, and the unread counts that follow from it.
import type Database from 'better-sqlite3';
import { statementCache } from './statements';
import type { Channel, ConversationView, MessageView } from '../../../shared/domain';
import { parseConversationId } from '../../../shared/domain';
import type { ConversationSummary } from '../../../shared/ipc';
import { previewOf } from './prepared';

/** What a conversation's row takes from its newest message. */
export interface ConversationTouch {
  conversationId: string;
  leadId: string;
  channel: string;
  createdAt: string;
  createdMs: number;
  preview: string;
}

interface ConversationRow {
  id: string;
  data: string;
  read_up_to: string | null;
  lead_first: string | null;
  lead_last: string | null;
  unread: number;
}

const SUMMARY_SELECT = `SELECT c.id, c.data, r.read_up_to, l.first_name AS lead_first, l.last_name AS lead_last,
  (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound'
     AND m.created_ms > coalesce(r.read_up_to_ms, -1)) AS unread
  FROM conversations c LEFT JOIN read_state r ON r.conversation_id = c.id LEFT JOIN leads l ON l.id = c.lead_id`;

export class ConversationRows {
  private readonly upsertStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly readStmt: Database.Statement;
  private readonly setReadStmt: Database.Statement;
  private readonly unreadOfStmt: Database.Statement;
  private readonly touchStmt: Database.Statement;
  private readonly touchExistingStmt: Database.Statement;
  private readonly existsStmt: Database.Statement;

  private readonly q: (sql: string) => Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.q = statementCache(db);
    this.upsertStmt =
      db.prepare(`INSERT INTO conversations (id, lead_id, channel, last_message_ms, data) VALUES (@id, @lead_id, @channel, @last_message_ms, @data)
      ON CONFLICT(id) DO UPDATE SET lead_id = excluded.lead_id, channel = excluded.channel,
        last_message_ms = max(coalesce(conversations.last_message_ms, -1), coalesce(excluded.last_message_ms, -1)), data = excluded.data`);
    this.getStmt = db.prepare('SELECT data FROM conversations WHERE id = ?');
    this.touchExistingStmt = db.prepare(`UPDATE conversations SET last_message_ms = ?,
        data = json_set(data, '$.lastMessageAt', ?, '$.lastMessagePreview', ?) WHERE id = ? AND ? >= coalesce(last_message_ms, -1)`);
    this.existsStmt = db.prepare('SELECT 1 FROM conversations WHERE id = ?').pluck();
    this.touchStmt =
      db.prepare(`INSERT INTO conversations (id, lead_id, channel, last_message_ms, data) VALUES (@id, @lead_id, @channel, @t, @data)
      ON CONFLICT(id) DO UPDATE SET last_message_ms = excluded.last_message_ms,
        data = json_set(conversations.data, '$.lastMessageAt', @at, '$.lastMessagePreview', @preview)
      WHERE excluded.last_message_ms >= coalesce(conversations.last_message_ms, -1)`);
    this.readStmt = db.prepare('SELECT read_up_to, read_up_to_ms, pending FROM read_state WHERE conversation_id = ?');
    // A read mark only moves forward: an older mark from another device changes nothing.
    this.setReadStmt =
      db.prepare(`INSERT INTO read_state (conversation_id, read_up_to, read_up_to_ms, pending) VALUES (?, ?, ?, ?)
      ON CONFLICT(conversation_id) DO UPDATE SET read_up_to = excluded.read_up_to, read_up_to_ms = excluded.read_up_to_ms,
        pending = max(read_state.pending, excluded.pending) WHERE excluded.read_up_to_ms > read_state.read_up_to_ms`);
    this.unreadOfStmt =
      db.prepare(`SELECT count(*) AS n FROM messages WHERE conversation_id = ? AND direction = 'inbound'
      AND created_ms > coalesce((SELECT read_up_to_ms FROM read_state WHERE conversation_id = ?), -1)`);
  }

  upsert(c: ConversationView): void {
    const { readUpTo, ...rest } = c;
    const previous = this.get(c.id);
    // Keep the newest preview we know of: a local send may be newer than the server's copy.
    const merged =
      previous &&
      previous.lastMessageAt &&
      c.lastMessageAt &&
      Date.parse(previous.lastMessageAt) > Date.parse(c.lastMessageAt)
        ? { ...rest, lastMessageAt: previous.lastMessageAt, lastMessagePreview: previous.lastMessagePreview }
        : rest;
    this.upsertStmt.run({
      id: c.id,
      lead_id: c.leadId,
      channel: c.channel,
      last_message_ms: merged.lastMessageAt ? Date.parse(merged.lastMessageAt) : null,
      data: JSON.stringify(merged),
    });
    if (readUpTo) this.setRead(c.id, readUpTo, false);
  }

  /** A message arrived or was sent: make sure its conversation exists and shows it as the latest. */
  touchWithMessage(m: MessageView): void {
    this.touch({
      conversationId: m.conversationId,
      leadId: m.leadId,
      channel: m.channel,
      createdAt: m.createdAt,
      createdMs: Date.parse(m.createdAt),
      preview: previewOf(m),
    });
  }

  /** A conversation's newest message moved: its time and preview follow (created if new). */
  touch(t: ConversationTouch): void {
    // No JSON round trip in JS: a backlog touches each conversation once per batch, and nearly
    // all of them exist already, so the plain UPDATE (positional parameters) comes first.
    if (this.touchExistingStmt.run(t.createdMs, t.createdAt, t.preview, t.conversationId, t.createdMs).changes > 0)
      return;
    if (this.existsStmt.get(t.conversationId) !== undefined) return; // it already shows a newer message
    const base: ConversationView = {
      id: t.conversationId,
      leadId: t.leadId,
      channel: t.channel as ConversationView['channel'],
      lastMessageAt: t.createdAt,
      lastMessagePreview: t.preview,
      windowClosesAt: null,
    };
    this.touchStmt.run({
      id: t.conversationId,
      lead_id: t.leadId,
      channel: t.channel,
      t: t.createdMs,
      at: t.createdAt,
      preview: t.preview,
      data: JSON.stringify(base),
    });
  }

  get(id: string): ConversationView | null {
    const row = this.getStmt.get(id) as { data: string } | undefined;
    if (!row) return null;
    const read = this.readStmt.get(id) as { read_up_to: string } | undefined;
    return { ...(JSON.parse(row.data) as ConversationView), readUpTo: read?.read_up_to ?? null };
  }

  /** Returns true when the mark moved forward. */
  setRead(conversationId: string, readUpTo: string, pending: boolean): boolean {
    const t = Date.parse(readUpTo);
    if (!Number.isFinite(t)) return false;
    return this.setReadStmt.run(conversationId, new Date(t).toISOString(), t, pending ? 1 : 0).changes > 0;
  }

  /** Read marks made offline that the server has not heard of yet. */
  pendingReads(): { conversationId: string; readUpTo: string }[] {
    return (
      this.q('SELECT conversation_id, read_up_to FROM read_state WHERE pending = 1').all() as {
        conversation_id: string;
        read_up_to: string;
      }[]
    ).map((r) => ({ conversationId: r.conversation_id, readUpTo: r.read_up_to }));
  }

  clearPendingRead(conversationId: string, readUpTo: string): void {
    this.q('UPDATE read_state SET pending = 0 WHERE conversation_id = ? AND read_up_to = ?').run(
      conversationId,
      readUpTo,
    );
  }

  unreadOf(conversationId: string): number {
    return (this.unreadOfStmt.get(conversationId, conversationId) as { n: number }).n;
  }

  /** Every conversation with unread messages and its count (the partial inbound index keeps this cheap). */
  unreadAll(): Record<string, number> {
    const rows = this.q(
      `SELECT m.conversation_id AS id, count(*) AS n FROM messages m
      LEFT JOIN read_state r ON r.conversation_id = m.conversation_id
      WHERE m.direction = 'inbound' AND m.created_ms > coalesce(r.read_up_to_ms, -1) GROUP BY m.conversation_id`,
    ).all() as { id: string; n: number }[];
    const out: Record<string, number> = {};
    for (const r of rows) out[r.id] = r.n;
    return out;
  }

  list(limit: number, muted: ReadonlySet<string>): ConversationSummary[] {
    const rows = this.q(`${SUMMARY_SELECT} ORDER BY c.last_message_ms DESC NULLS LAST LIMIT ?`).all(
      limit,
    ) as ConversationRow[];
    return rows.map((r) => toSummary(r, muted));
  }

  summary(id: string, muted: ReadonlySet<string>): ConversationSummary | null {
    const row = this.q(`${SUMMARY_SELECT} WHERE c.id = ?`).get(id) as ConversationRow | undefined;
    return row ? toSummary(row, muted) : null;
  }

  ofLead(leadId: string): ConversationView[] {
    return (this.q('SELECT id FROM conversations WHERE lead_id = ?').all(leadId) as { id: string }[])
      .map((r) => this.get(r.id))
      .filter((c): c is ConversationView => c !== null);
  }

  channelOf(id: string): Channel | null {
    return parseConversationId(id)?.channel ?? null;
  }
}

function toSummary(r: ConversationRow, muted: ReadonlySet<string>): ConversationSummary {
  const c = JSON.parse(r.data) as ConversationView;
  const leadName = r.lead_first !== null ? `${r.lead_first} ${r.lead_last ?? ''}`.trim() : c.leadId;
  return { ...c, readUpTo: r.read_up_to, leadName, unreadCount: r.unread, muted: muted.has(c.id) };
}
