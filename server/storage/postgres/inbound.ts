// Inbound messages on PostgreSQL: the arrival (its lead, message and opt-out) in one transaction
// under the sender numbers' advisory locks — two nodes receiving from one new number create one
// lead, and one number's messages are stored one after the other — and its outcome (activities,
// usage, events, nudges) in one more, once. Both are group-committed (group-commit.ts): the
// arrivals, or outcomes, that wait while a group is written go together in the next one, with
// one set-based statement per step however many there are. Part of the MessageStore seam,
// mirroring sqlite.ts.
import type {
  AppendedEvent,
  InboundArrival,
  InboundOutcome,
  InboundReceipt,
  LeadRecord,
  MessageRecord,
  NewInbound,
} from '../store';
import type { MessageStore } from '../message-store';
import type { ProviderName } from '../saved-webhooks';
import { columns, newId, type Db, type Sql } from './db';
import { appendIn } from './events';
import { createLeadIn, LEAD_SQL, leadIn, leadsByPhoneIn, leadsFrom, lockNumbers } from './leads';
import { inboundOf, MESSAGE_SQL, messagePreview, messageSqlFrom } from '../rows';
import { messageFrom, messageIn } from './messages';
import { addNudgesIn, bumpUsagesIn, setOptOutIn } from './usage';
import { addActivitiesIn } from './activity';
import { GroupCommit } from './group-commit';

type InboundPart = Pick<
  MessageStore,
  'createInbound' | 'inboundReceipt' | 'receiveInbound' | 'applyInboundOutcome' | 'unappliedInbound'
>;

interface Tracked {
  id: string;
  leadId: string;
  leadCreated: boolean;
  conversationStarted: boolean;
  applied: boolean;
}

const keyOf = (provider: string, providerMessageId: string) => `${provider}\u0000${providerMessageId}`;

/** Several calls for one key in a group would each see the group's single write as theirs. */
function assertDistinct(keys: string[], what: string): void {
  if (new Set(keys).size < keys.length) throw new Error(`One ${what} twice in a group.`);
}

/** The messages and leads of `ids`, read in a statement each (none when there are none), sent together. */
async function recordsIn(s: Sql, messageIds: string[], leadIds: string[]) {
  const [messageRows, leadRows] = await Promise.all([
    messageIds.length > 0 ? s.rows(`${MESSAGE_SQL} WHERE m.id = ANY($1)`, [messageIds]) : [],
    leadIds.length > 0 ? s.rows(`${LEAD_SQL} WHERE l.id = ANY($1)`, [[...new Set(leadIds)]]) : [],
  ]);
  return {
    messages: new Map(messageRows.map((r) => [r.id as string, messageFrom(r)])),
    leads: new Map(leadsFrom(leadRows).map((lead) => [lead.id, lead])),
  };
}

/** The receipt of a message stored before (a redelivery), from its records as read. */
function knownReceipt(
  t: Tracked,
  messages: Map<string, MessageRecord>,
  leads: Map<string, LeadRecord>,
): InboundReceipt {
  return {
    message: messages.get(t.id)!,
    lead: leads.get(t.leadId)!,
    leadCreated: t.leadCreated,
    conversationStarted: t.conversationStarted,
    duplicate: true,
    applied: t.applied,
  };
}

/** What is stored of these provider messages, by key (provider + id). */
async function trackedIn(s: Sql, keys: { provider: string; providerMessageId: string }[]) {
  const rows = await s.rows<{
    id: string;
    lead_id: string;
    provider: string;
    provider_message_id: string;
    lead_created: number | null;
    conversation_started: number | null;
    applied_at: string | null;
    tracked: string | null;
  }>(
    `SELECT m.id, m.lead_id, m.provider, m.provider_message_id, o.lead_created, o.conversation_started, o.applied_at,
    o.message_id AS tracked FROM unnest($1::text[], $2::text[]) AS k(provider, pid)
    JOIN messages m ON m.provider = k.provider AND m.provider_message_id = k.pid
    LEFT JOIN inbound_outcomes o ON o.message_id = m.id`,
    [keys.map((k) => k.provider), keys.map((k) => k.providerMessageId)],
  );
  return new Map(
    rows.map((r): [string, Tracked] => [
      keyOf(r.provider, r.provider_message_id),
      {
        id: r.id,
        leadId: r.lead_id,
        leadCreated: !!r.lead_created,
        conversationStarted: !!r.conversation_started,
        // A message stored before outcomes were tracked had its outcome applied the old way.
        applied: !r.tracked || r.applied_at !== null,
      },
    ]),
  );
}

/**
 * Inserts the messages whose provider id is not known yet, opening their conversations and
 * moving each conversation's last message on; with `track`, records each inserted arrival's
 * outcome as to apply (inbound_outcomes). One statement: the conversations are upserted from the
 * messages it inserted (their foreign keys are checked at its end), so a known message moves
 * nothing. Per input, the message as stored and whether it started its conversation, or null
 * when its provider id was known.
 */
async function insertInboundsIn(
  s: Sql,
  items: (NewInbound & { leadCreated?: boolean })[],
  track: boolean,
): Promise<({ message: MessageRecord; conversationStarted: boolean } | null)[]> {
  // A group of redeliveries, or of new numbers offered without a lead, has nothing to insert.
  if (items.length === 0) return [];
  const ids = items.map(() => newId('msg'));
  const col = columns(items);
  // Rows are inserted, and numbered (seq), in the inputs' order. A conversation an insert opened
  // (xmax = 0: no earlier row version) was started by its first message of the group.
  const rows = await s.rows(
    `WITH m AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
      $9::text[], $10::text[], $11::text[], $12::text[], $13::int[])
      WITH ORDINALITY AS m(id, conv, lead, channel, body, phone, att, caption, provider, pid, at, preview, lead_created, n)
    ), inserted AS (
      INSERT INTO messages (id, conversation_id, lead_id, channel, direction, body, phone_id, attachment_id, caption, status,
      provider, provider_message_id, created_at, updated_at)
      SELECT id, conv, lead, channel, 'inbound', body, phone, att, caption, 'received', provider, pid, at, at FROM m ORDER BY n
      ON CONFLICT (provider, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING RETURNING *
    ), moved AS (
      SELECT m.conv, min(m.lead) AS lead, min(m.channel) AS channel, max(m.at) AS at, min(m.n) AS first,
      (array_agg(m.preview ORDER BY m.n DESC))[1] AS preview
      FROM m JOIN inserted i ON i.id = m.id GROUP BY m.conv
    ), conv AS (
      INSERT INTO conversations AS c (id, lead_id, channel, last_message_at, last_message_preview, last_inbound_at)
      SELECT conv, lead, channel, at, preview, at FROM moved ORDER BY conv
      ON CONFLICT (id) DO UPDATE SET last_message_at = GREATEST(coalesce(c.last_message_at, ''), excluded.last_message_at),
      last_message_preview = excluded.last_message_preview,
      last_inbound_at = GREATEST(coalesce(c.last_inbound_at, ''), excluded.last_inbound_at)
      RETURNING c.id, (c.xmax = 0) AS opened
    ), started AS (
      SELECT m.id, m.lead_created, (conv.opened AND m.n = moved.first) AS started
      FROM m JOIN inserted i ON i.id = m.id JOIN moved ON moved.conv = m.conv JOIN conv ON conv.id = m.conv
    ), tracked AS (
      INSERT INTO inbound_outcomes (message_id, lead_created, conversation_started)
      SELECT id, lead_created, started::int FROM started WHERE $14::boolean
    )
    SELECT sm.*, started.started AS conversation_started FROM (${messageSqlFrom('inserted')}) sm
    JOIN started ON started.id = sm.id`,
    [
      ids,
      items.map((m) => `${m.leadId}:${m.channel}`),
      col('leadId'),
      col('channel'),
      col('body'),
      col('phoneId'),
      col('attachmentId'),
      col('caption'),
      col('provider'),
      col('providerMessageId'),
      col('at'),
      items.map((m) => messagePreview(m.body, m.caption, m.attachmentId)),
      items.map((m) => (m.leadCreated ? 1 : 0)),
      track,
    ],
  );
  const inserted = new Map(
    rows.map((r) => [
      r.id as string,
      { message: messageFrom(r), conversationStarted: r.conversation_started as boolean },
    ]),
  );
  return ids.map((id) => inserted.get(id) ?? null);
}

/**
 * The lead and phone of each sender number (`known`, as read), creating a lead for a number nobody
 * has (`created`) when its arrival gives one; a number left out has none yet.
 */
async function sendersIn(
  s: Sql,
  arrivals: InboundArrival[],
  known: Map<string, { lead: LeadRecord; phoneId: string }>,
) {
  const senders = new Map<string, { phoneId: string; lead: LeadRecord; created: boolean }>();
  for (const [e164, { lead, phoneId }] of known) senders.set(e164, { phoneId, lead, created: false });
  // A number belongs to one lead at most (lead_phones.e164 is unique); new numbers are few.
  for (const a of arrivals) {
    if (senders.has(a.from)) continue;
    const newLead = a.newLead();
    if (!newLead) continue;
    const lead = (await leadIn(s, await createLeadIn(s, newLead, a.at)))!;
    senders.set(a.from, { phoneId: lead.phones.find((p) => p.e164 === a.from)!.id, lead, created: true });
  }
  return senders;
}

async function receiveAllIn(s: Sql, arrivals: InboundArrival[]): Promise<(InboundReceipt | null)[]> {
  const numbers = arrivals.map((a) => a.from);
  assertDistinct(numbers, 'sender number');
  // One round trip: the numbers' locks, then — PostgreSQL runs a pipeline in order, so under the
  // locks — which of the messages are stored already and who the numbers belong to.
  const [, known, byPhone] = await Promise.all([
    lockNumbers(s, numbers),
    trackedIn(s, arrivals),
    leadsByPhoneIn(s, numbers),
  ]);
  const unknown = arrivals.filter((a) => !known.has(keyOf(a.provider, a.providerMessageId)));
  const senders = await sendersIn(s, unknown, byPhone);
  // An arrival from a new number that gave no lead is not stored: it answers null.
  const fresh = unknown.filter((a) => senders.has(a.from));
  // One more: the new messages, their opt-out keywords, and the records of the known ones (a redelivery).
  const [stored, , records] = await Promise.all([
    insertInboundsIn(
      s,
      fresh.map((a) => {
        const { lead, phoneId, created } = senders.get(a.from)!;
        return { ...inboundOf(a, lead.id, phoneId), leadCreated: created };
      }),
      true,
    ),
    Promise.all(
      fresh.map((a) =>
        a.optOut ? setOptOutIn(s, a.optOut.businessNumber, a.from, a.optOut.optedOut, a.optOut.keyword, a.at) : null,
      ),
    ),
    recordsIn(
      s,
      [...known.values()].map((t) => t.id),
      [...known.values()].map((t) => t.leadId),
    ),
  ]);
  const receipts = new Map<string, InboundReceipt>();
  fresh.forEach((a, i) => {
    // The numbers' locks serialise arrivals from them; one provider id from two numbers is a provider's bug.
    const row = stored[i];
    if (!row) throw new Error(`Provider message ${a.provider}/${a.providerMessageId} arrived from two numbers.`);
    const { lead, created } = senders.get(a.from)!;
    receipts.set(keyOf(a.provider, a.providerMessageId), {
      message: row.message,
      lead,
      leadCreated: created,
      conversationStarted: row.conversationStarted,
      duplicate: false,
      applied: false,
    });
  });
  for (const [key, t] of known) receipts.set(key, knownReceipt(t, records.messages, records.leads));
  return arrivals.map((a) => receipts.get(keyOf(a.provider, a.providerMessageId)) ?? null);
}

interface OutcomeToApply {
  messageId: string;
  outcome: InboundOutcome;
  at: string;
}

/** Another node applied one of a group's outcomes first (a redelivery racing a recovery). */
class AppliedElsewhere extends Error {}

/** Marks the outcomes applied, unless they are; the ids it marked. */
async function claimIn(s: Sql, items: OutcomeToApply[]): Promise<Set<string>> {
  // Of two nodes applying one outcome, the second's UPDATE waits on the row, then finds it
  // applied and changes nothing; a rollback takes the mark back with the rest.
  const rows = await s.rows<{ message_id: string }>(
    `UPDATE inbound_outcomes o SET applied_at = u.at FROM unnest($1::text[], $2::text[]) AS u(id, at)
    WHERE o.message_id = u.id AND o.applied_at IS NULL RETURNING o.message_id`,
    [items.map((i) => i.messageId), items.map((i) => i.at)],
  );
  return new Set(rows.map((r) => r.message_id));
}

/** Writes the outcomes (activities, nudges, usage, events), sent together; each message's events. */
async function writeOutcomesIn(s: Sql, items: OutcomeToApply[]): Promise<Map<string, AppendedEvent[]>> {
  const nudges = items.map((i) =>
    i.outcome.nudges.map(({ nudge, month }) => ({ rec: { id: newId('ndg'), ...nudge }, month })),
  );
  // One append for every event of the group, so the users' heads are locked once, in order.
  const events = items.flatMap((i, n) => [
    ...i.outcome.events.map((e) => ({ ...e, at: i.at })),
    ...nudges[n]!.map(({ rec }) => ({ userId: rec.userId, event: i.outcome.nudgeEvent(rec), at: i.at })),
  ]);
  // The rows other transactions also write (a usage shard, the users' heads) come last, so they
  // stay locked for the shortest time before the commit.
  const [, , , appended] = await Promise.all([
    addActivitiesIn(
      s,
      items.flatMap((i) => i.outcome.activities),
    ),
    addNudgesIn(s, nudges.flat()),
    bumpUsagesIn(
      s,
      items.flatMap((i) => i.outcome.usage),
    ),
    appendIn(s, events, items[0]?.at ?? ''),
  ]);
  let from = 0;
  const byMessage = new Map<string, AppendedEvent[]>();
  items.forEach((i, n) => {
    const count = i.outcome.events.length + nudges[n]!.length;
    byMessage.set(i.messageId, appended.slice(from, from + count));
    from += count;
  });
  return byMessage;
}

/**
 * Applies the outcomes not applied yet; per input, its events, or null when it was applied
 * before. `hopeful`: the claim and the writes go in one round trip, as if every outcome were
 * still to apply (they are, but after a crash); when one was not, AppliedElsewhere rolls it back.
 */
async function applyAllIn(s: Sql, items: OutcomeToApply[], hopeful: boolean): Promise<(AppendedEvent[] | null)[]> {
  assertDistinct(
    items.map((i) => i.messageId),
    'message outcome',
  );
  if (hopeful) {
    const [claimed, byMessage] = await Promise.all([claimIn(s, items), writeOutcomesIn(s, items)]);
    if (claimed.size < items.length) throw new AppliedElsewhere();
    return items.map((i) => byMessage.get(i.messageId)!);
  }
  const claimed = await claimIn(s, items);
  const byMessage = await writeOutcomesIn(
    s,
    items.filter((i) => claimed.has(i.messageId)),
  );
  return items.map((i) => byMessage.get(i.messageId) ?? null);
}

export function inboundStore(db: Db): InboundPart {
  const arrivals = new GroupCommit((group: InboundArrival[]) => db.tx((s) => receiveAllIn(s, group)));
  const outcomes = new GroupCommit(async (group: OutcomeToApply[]) => {
    try {
      return await db.tx((s) => applyAllIn(s, group, true));
    } catch (err) {
      if (!(err instanceof AppliedElsewhere)) throw err;
      return db.tx((s) => applyAllIn(s, group, false));
    }
  });
  return {
    createInbound(m) {
      return db.tx(async (s) => {
        const [stored] = await insertInboundsIn(s, [m], false);
        if (stored) return { message: stored.message, duplicate: false };
        const id = [...(await trackedIn(s, [m])).values()][0]!.id;
        return { message: (await messageIn(s, id))!, duplicate: true };
      });
    },
    async inboundReceipt(provider: ProviderName, providerMessageId) {
      const t = (await trackedIn(db, [{ provider, providerMessageId }])).get(keyOf(provider, providerMessageId));
      if (!t) return null;
      const { messages, leads } = await recordsIn(db, [t.id], [t.leadId]);
      return knownReceipt(t, messages, leads);
    },
    receiveInbound: (a) => arrivals.submit(a),
    applyInboundOutcome: (messageId, outcome, at) => outcomes.submit({ messageId, outcome, at }),
    async unappliedInbound() {
      return (
        await db.rows<{ message_id: string }>('SELECT message_id FROM inbound_outcomes WHERE applied_at IS NULL')
      ).map((r) => r.message_id);
    },
  };
}
