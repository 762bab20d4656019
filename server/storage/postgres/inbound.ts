// Inbound messages on PostgreSQL: the arrival (its lead, message and opt-out) in one transaction
// under the sender number's advisory lock — two nodes receiving from one new number create one
// lead, and one number's messages are stored one after the other — and its outcome (activities,
// usage, events, nudges) in one more, once. Part of the MessageStore seam, mirroring sqlite.ts.
import type { AppendedEvent, InboundArrival, InboundOutcome, InboundReceipt, NewInbound } from '../store';
import type { MessageStore } from '../message-store';
import type { ProviderName } from '../saved-webhooks';
import { newId, type Db, type Sql } from './db';
import { appendIn } from './events';
import { createLeadIn, leadIn, lockNumber } from './leads';
import { messagePreview } from '../rows';
import { messageIn, openConversation } from './messages';
import { addActivityIn } from './activity';
import { addNudgeIn, bumpUsagesIn, setOptOutIn } from './usage';

type InboundPart = Pick<
  MessageStore,
  'createInbound' | 'inboundReceipt' | 'receiveInbound' | 'applyInboundOutcome' | 'unappliedInbound'
>;

/** Inserts the message unless its provider id is known (null then); says whether its conversation started with it. */
async function insertInboundIn(s: Sql, m: NewInbound): Promise<{ id: string; conversationStarted: boolean } | null> {
  const { id: conversationId, opened } = await openConversation(s, m.leadId, m.channel);
  const id = newId('msg');
  const inserted = await s.run(
    `INSERT INTO messages (id, conversation_id, lead_id, channel, direction, body, phone_id, attachment_id, caption, status, provider,
    provider_message_id, created_at, updated_at) VALUES ($1, $2, $3, $4, 'inbound', $5, $6, $7, $8, 'received', $9, $10, $11, $11)
    ON CONFLICT (provider, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING`,
    [
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
    ],
  );
  if (inserted === 0) return null;
  await s.run(
    `UPDATE conversations SET last_message_at = GREATEST(coalesce(last_message_at, ''), $1), last_message_preview = $2,
    last_inbound_at = GREATEST(coalesce(last_inbound_at, ''), $1) WHERE id = $3`,
    [m.at, messagePreview(m.body, m.caption, m.attachmentId), conversationId],
  );
  return { id, conversationStarted: opened };
}

async function receiptIn(s: Sql, provider: ProviderName, providerMessageId: string): Promise<InboundReceipt | null> {
  const r = await s.one<{
    id: string;
    lead_id: string;
    lead_created: number | null;
    conversation_started: number | null;
    applied_at: string | null;
    tracked: string | null;
  }>(
    `SELECT m.id, m.lead_id, o.lead_created, o.conversation_started, o.applied_at, o.message_id AS tracked FROM messages m
     LEFT JOIN inbound_outcomes o ON o.message_id = m.id WHERE m.provider = $1 AND m.provider_message_id = $2`,
    [provider, providerMessageId],
  );
  if (!r) return null;
  return {
    message: (await messageIn(s, r.id))!,
    lead: (await leadIn(s, r.lead_id))!,
    leadCreated: !!r.lead_created,
    conversationStarted: !!r.conversation_started,
    duplicate: true,
    // A message stored before outcomes were tracked had its outcome applied the old way.
    applied: !r.tracked || r.applied_at !== null,
  };
}

async function receiveIn(s: Sql, a: InboundArrival): Promise<InboundReceipt> {
  await lockNumber(s, a.from);
  const known = await receiptIn(s, a.provider, a.providerMessageId);
  if (known) return known;
  // A number belongs to one lead at most (lead_phones.e164 is unique).
  const existing = await s.one<{ id: string; lead_id: string }>('SELECT id, lead_id FROM lead_phones WHERE e164 = $1', [
    a.from,
  ]);
  const leadId = existing?.lead_id ?? (await createLeadIn(s, a.newLead(), a.at));
  const phoneId =
    existing?.id ??
    (await s.one<{ id: string }>('SELECT id FROM lead_phones WHERE lead_id = $1 AND e164 = $2', [leadId, a.from]))!.id;
  const stored = await insertInboundIn(s, {
    leadId,
    channel: a.channel,
    body: a.body,
    phoneId,
    provider: a.provider,
    providerMessageId: a.providerMessageId,
    attachmentId: a.attachmentId,
    caption: a.caption,
    at: a.at,
  });
  // The number's lock serialises arrivals from it; one provider id from two numbers is a provider's bug.
  if (stored === null)
    throw new Error(`Provider message ${a.provider}/${a.providerMessageId} arrived from two numbers.`);
  const { id, conversationStarted } = stored;
  if (a.optOut) await setOptOutIn(s, a.optOut.businessNumber, a.from, a.optOut.optedOut, a.optOut.keyword, a.at);
  await s.run('INSERT INTO inbound_outcomes (message_id, lead_created, conversation_started) VALUES ($1, $2, $3)', [
    id,
    existing ? 0 : 1,
    conversationStarted ? 1 : 0,
  ]);
  return {
    message: (await messageIn(s, id))!,
    lead: (await leadIn(s, leadId))!,
    leadCreated: !existing,
    conversationStarted,
    duplicate: false,
    applied: false,
  };
}

async function applyOutcomeIn(
  s: Sql,
  messageId: string,
  outcome: InboundOutcome,
  at: string,
): Promise<AppendedEvent[] | null> {
  // Marked applied first: of two nodes applying one outcome, the second's UPDATE waits on the
  // row, then finds it applied and changes nothing; a rollback takes the mark back with the rest.
  const claimed = await s.run(
    'UPDATE inbound_outcomes SET applied_at = $1 WHERE message_id = $2 AND applied_at IS NULL',
    [at, messageId],
  );
  if (claimed === 0) return null;
  for (const a of outcome.activities) await addActivityIn(s, a);
  const items = [...outcome.events];
  for (const { nudge, month } of outcome.nudges) {
    const rec = await addNudgeIn(s, nudge, month);
    items.push({ userId: rec.userId, event: outcome.nudgeEvent(rec) });
  }
  // The rows other transactions also write (a usage shard, the users' heads) are taken last, so
  // they stay locked for the shortest time before the commit.
  await bumpUsagesIn(s, outcome.usage);
  // One append for every event, so the users' heads are locked once, in order.
  return appendIn(s, items, at);
}

export function inboundStore(db: Db): InboundPart {
  return {
    createInbound(m) {
      return db.tx(async (s) => {
        const stored = await insertInboundIn(s, m);
        if (stored !== null) return { message: (await messageIn(s, stored.id))!, duplicate: false };
        const existing = (await s.one<{ id: string }>(
          'SELECT id FROM messages WHERE provider = $1 AND provider_message_id = $2',
          [m.provider, m.providerMessageId],
        ))!;
        return { message: (await messageIn(s, existing.id))!, duplicate: true };
      });
    },
    inboundReceipt: (provider, providerMessageId) => receiptIn(db, provider, providerMessageId),
    receiveInbound: (a) => db.tx((s) => receiveIn(s, a)),
    applyInboundOutcome: (messageId, outcome, at) => db.tx((s) => applyOutcomeIn(s, messageId, outcome, at)),
    async unappliedInbound() {
      return (
        await db.rows<{ message_id: string }>('SELECT message_id FROM inbound_outcomes WHERE applied_at IS NULL')
      ).map((r) => r.message_id);
    },
  };
}
