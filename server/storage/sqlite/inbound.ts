// Inbound messages end to end on SQLite: the message (with its lead when the number is new, and
// its opt-out keyword) in one transaction, then its outcome (activities, usage, events, nudges)
// in another, once. Both span aggregates, so they use the other parts' `...Sync` helpers inside
// their own transaction.
import type { MessageStore } from '../message-store';
import type { AppendedEvent, InboundArrival, InboundOutcome, InboundReceipt, NewInbound } from '../records';
import type { ProviderName } from '../saved-webhooks';
import { newId, type SqliteConnection } from './connection';
import type { SqliteActivity } from './activity';
import type { SqliteEventLog } from './event-log';
import type { SqliteLeads } from './leads';
import { inboundOf, messagePreview } from '../rows';
import { readMessage } from './message-rows';
import type { SqliteMessages } from './messages';
import type { SqliteUsage } from './usage';

/** A stored inbound message with its `inbound_outcomes` row (absent for one stored before outcomes were tracked). */
interface ReceiptRow {
  id: string;
  lead_id: string;
  lead_created: number | null;
  conversation_started: number | null;
  applied_at: string | null;
  tracked: string | null;
}

type InboundPart = Pick<
  MessageStore,
  'createInbound' | 'inboundReceipt' | 'receiveInbound' | 'applyInboundOutcome' | 'unappliedInbound'
>;

export class SqliteInbound implements InboundPart {
  constructor(
    private readonly c: SqliteConnection,
    private readonly parts: {
      leads: SqliteLeads;
      messages: SqliteMessages;
      activity: SqliteActivity;
      usage: SqliteUsage;
      eventLog: SqliteEventLog;
    },
  ) {}

  async createInbound(m: NewInbound) {
    return this.c.tx(() => {
      const existing = this.c.get<{ id: string }>(
        'SELECT id FROM messages WHERE provider = ? AND provider_message_id = ?',
        m.provider,
        m.providerMessageId,
      );
      if (existing) return { message: readMessage(this.c, existing.id)!, duplicate: true };
      return { message: readMessage(this.c, this.insertInboundSync(m))!, duplicate: false };
    });
  }
  private insertInboundSync(m: NewInbound): string {
    const conversationId = this.parts.messages.ensureConversationSync(m.leadId, m.channel);
    const id = newId('msg');
    this.c.run(
      `INSERT INTO messages (id, conversation_id, lead_id, channel, direction, body, phone_id, attachment_id, caption, status, provider,
      provider_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'inbound', ?, ?, ?, ?, 'received', ?, ?, ?, ?)`,
      id,
      conversationId,
      m.leadId,
      m.channel,
      m.body,
      m.phoneId,
      m.attachmentId,
      m.caption,
      m.provider,
      m.providerMessageId,
      m.at,
      m.at,
    );
    this.c.run(
      `UPDATE conversations SET last_message_at = max(coalesce(last_message_at, ''), ?), last_message_preview = ?,
      last_inbound_at = max(coalesce(last_inbound_at, ''), ?) WHERE id = ?`,
      m.at,
      messagePreview(m.body, m.caption, m.attachmentId),
      m.at,
      conversationId,
    );
    return id;
  }

  private receiptSync(provider: ProviderName, providerMessageId: string): InboundReceipt | null {
    const r = this.c.get<ReceiptRow>(
      `SELECT m.id, m.lead_id, o.lead_created, o.conversation_started, o.applied_at, o.message_id AS tracked FROM messages m
       LEFT JOIN inbound_outcomes o ON o.message_id = m.id WHERE m.provider = ? AND m.provider_message_id = ?`,
      provider,
      providerMessageId,
    );
    if (!r) return null;
    return {
      message: readMessage(this.c, r.id)!,
      lead: this.parts.leads.leadSync(r.lead_id)!,
      leadCreated: !!r.lead_created,
      conversationStarted: !!r.conversation_started,
      duplicate: true,
      // A message stored before outcomes were tracked had its outcome applied the old way.
      applied: !r.tracked || r.applied_at !== null,
    };
  }
  async inboundReceipt(provider: ProviderName, providerMessageId: string) {
    return this.receiptSync(provider, providerMessageId);
  }
  receiveInbound(a: InboundArrival): Promise<InboundReceipt | null> {
    return this.c.grouped(() => {
      const known = this.receiptSync(a.provider, a.providerMessageId);
      if (known) return known;
      const { leads } = this.parts;
      const existing = leads.leadIdByPhoneSync(a.from);
      const newLead = existing ? null : a.newLead();
      if (!existing && !newLead) return null;
      const leadId = existing ?? leads.createLeadSync(newLead!, a.at);
      const phoneId = this.c.get<{ id: string }>(
        'SELECT id FROM lead_phones WHERE lead_id = ? AND e164 = ?',
        leadId,
        a.from,
      )!.id;
      const conversationStarted = !this.c.get<{ 1: number }>(
        'SELECT 1 FROM conversations WHERE id = ?',
        `${leadId}:${a.channel}`,
      );
      const id = this.insertInboundSync(inboundOf(a, leadId, phoneId));
      if (a.optOut)
        this.parts.usage.setOptOutSync(a.optOut.businessNumber, a.from, a.optOut.optedOut, a.optOut.keyword, a.at);
      this.c.run(
        'INSERT INTO inbound_outcomes (message_id, lead_created, conversation_started) VALUES (?, ?, ?)',
        id,
        existing ? 0 : 1,
        conversationStarted ? 1 : 0,
      );
      return {
        message: readMessage(this.c, id)!,
        lead: leads.leadSync(leadId)!,
        leadCreated: !existing,
        conversationStarted,
        duplicate: false,
        applied: false,
      };
    });
  }
  applyInboundOutcome(messageId: string, outcome: InboundOutcome, at: string): Promise<AppendedEvent[] | null> {
    const { activity, usage, eventLog } = this.parts;
    return this.c.grouped(() => {
      const row = this.c.get<{ applied_at: string | null }>(
        'SELECT applied_at FROM inbound_outcomes WHERE message_id = ?',
        messageId,
      );
      if (!row || row.applied_at !== null) return null;
      for (const a of outcome.activities) activity.addActivitySync(a);
      for (const u of outcome.usage) usage.bumpUsageSync(u);
      const appended = outcome.events.map(({ userId, event }) => eventLog.appendSync(userId, event, at));
      for (const { nudge, month } of outcome.nudges) {
        const rec = usage.addNudgeSync(nudge, month);
        appended.push(eventLog.appendSync(rec.userId, outcome.nudgeEvent(rec), at));
      }
      this.c.run('UPDATE inbound_outcomes SET applied_at = ? WHERE message_id = ?', at, messageId);
      return appended;
    });
  }
  async unappliedInbound() {
    return this.c
      .all<{ message_id: string }>('SELECT message_id FROM inbound_outcomes WHERE applied_at IS NULL')
      .map((r) => r.message_id);
  }
}
