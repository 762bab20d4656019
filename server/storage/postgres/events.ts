// Each user's event log on PostgreSQL: the EventLogStore part of the seam. A user's sequence is
// the `user_heads` row, bumped with INSERT … ON CONFLICT DO UPDATE … RETURNING inside the
// transaction that appends; the row stays locked until that transaction ends, so the next append
// for the user waits, takes the next numbers and commits after it: seq order is commit order and
// a reader never sees seq N without N−1. Rows are locked in user-id order, so two transactions
// appending for the same users cannot deadlock. Replay reads text columns as arrays and frames
// the JSON without parsing it.
import type { LeadView } from '../../../shared/domain';
import type { SequencedEvent, StreamEvent } from '../../../shared/stream-protocol';
import type { AppendedEvent } from '../store';
import type { DeviceAck, EventLogStore } from '../event-log-store';
import type { Db, Sql } from './db';

/** Rows read by a replay's first round trip, and at most by any: a page bounds what a character
 * budget can over-read, and pages that double keep a long resume to a few round trips. */
/** Each event framed as SequencedEvent JSON by PostgreSQL itself, the payload spliced in unparsed
 * (`seq_text` is named apart from `seq`, which ORDER BY must read as the number), up to `$3`
 * events and `$4` characters (one comma apiece counted), but always the first. */
const REPLAY_SQL = `SELECT seq_text, json FROM (
    SELECT seq, seq_text, json, row_number() OVER (ORDER BY seq) AS n, sum(length(json) + 1) OVER (ORDER BY seq) AS chars
    FROM (
      SELECT seq, seq::text AS seq_text, '{"seq":' || seq || ',"at":' || to_json(at)::text || ',"event":' || payload || '}' AS json
      FROM events WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
    ) framed
  ) counted
  WHERE n = 1 OR chars <= $4
  ORDER BY seq`;

/**
 * Append events (in order) to their users' logs, inside the caller's transaction; `at` unless an
 * item has its own. One statement: the users' heads move by their counts (in user-id order, which
 * fixes the order their rows are locked in) and each event takes its number from its user's.
 */
export async function appendIn(
  s: Sql,
  items: { userId: string; event: StreamEvent; at?: string }[],
  at: string,
): Promise<AppendedEvent[]> {
  if (items.length === 0) return [];
  const rows = await s.rows<{ seq: number }>(
    `WITH item AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS i(user_id, at, payload, n)
    ), counted AS (
      SELECT user_id, count(*) AS c FROM item GROUP BY user_id
    ), heads AS (
      INSERT INTO user_heads (user_id, head_seq) SELECT user_id, c FROM counted ORDER BY user_id COLLATE "C"
      ON CONFLICT (user_id) DO UPDATE SET head_seq = user_heads.head_seq + excluded.head_seq
      RETURNING user_id, head_seq
    ), numbered AS (
      SELECT i.n, i.user_id, h.head_seq - c.c + row_number() OVER (PARTITION BY i.user_id ORDER BY i.n) AS seq, i.at, i.payload
      FROM item i JOIN heads h ON h.user_id = i.user_id JOIN counted c ON c.user_id = i.user_id
    ), appended AS (
      INSERT INTO events (user_id, seq, at, payload) SELECT user_id, seq, at, payload FROM numbered
    )
    SELECT seq FROM numbered ORDER BY n`,
    [items.map((e) => e.userId), items.map((e) => e.at ?? at), items.map((e) => JSON.stringify(e.event))],
  );
  return items.map((item, i) => ({ userId: item.userId, seq: rows[i]!.seq, at: item.at ?? at, event: item.event }));
}

/** The event a nudge or lead.upserted event becomes once the lead is shown as `views` says (null: untouched). */
function rewritten(payload: string, views: Map<string, LeadView | null>): StreamEvent | null {
  const old = JSON.parse(payload) as StreamEvent;
  const id = old.type === 'lead.upserted' ? old.lead.id : old.type === 'nudge' ? old.nudge.leadId : null;
  if (!id || !views.has(id)) return null;
  // Nudges name the lead as it was shown then; they become the lead as it must be shown now.
  const view = views.get(id);
  return view ? { type: 'lead.upserted', lead: view } : { type: 'lead.removed', leadId: id };
}

export function eventLogStore(db: Db): EventLogStore {
  return {
    async appendEvents(items, at) {
      if (items.length === 0) return [];
      return db.tx((s) => appendIn(s, items, at));
    },
    async eventsAfter(userId, afterSeq, limit): Promise<SequencedEvent[]> {
      const rows = await db.rows<{ seq: number; at: string; payload: string }>(
        'SELECT seq, at, payload FROM events WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [userId, afterSeq, limit],
      );
      return rows.map((r) => ({ seq: r.seq, at: r.at, event: JSON.parse(r.payload) as StreamEvent }));
    },
    async eventsAfterJson(userId, afterSeq, limit, maxChars = Infinity) {
      // One round trip: PostgreSQL frames each event and keeps a running count of characters, and
      // the budget is cut in the same query (always the first event), so a resume of many events
      // costs a read per few frames, not several.
      const budget = Number.isFinite(maxChars) ? maxChars : Number.MAX_SAFE_INTEGER;
      const rows = await db.arrays(REPLAY_SQL, [userId, afterSeq, limit, budget]);
      return (rows as [string, string][]).map(([seqText, json]) => ({ seq: Number(seqText), json }));
    },
    async headSeq(userId) {
      return (await db.one<{ s: number }>('SELECT head_seq AS s FROM user_heads WHERE user_id = $1', [userId]))?.s ?? 0;
    },
    async headSeqs(userIds) {
      const heads = new Map(userIds.map((id) => [id, 0]));
      if (userIds.length === 0) return heads;
      const rows = await db.rows<{ user_id: string; head_seq: number }>(
        'SELECT user_id, head_seq FROM user_heads WHERE user_id = ANY($1)',
        [userIds],
      );
      for (const r of rows) heads.set(r.user_id, r.head_seq);
      return heads;
    },
    async leadIdsInLog(userId) {
      const ids = new Set<string>();
      for (const r of await db.rows<{ payload: string }>(
        `SELECT payload FROM events WHERE user_id = $1 AND payload LIKE '{"type":"lead.upserted"%' ORDER BY seq`,
        [userId],
      ))
        ids.add((JSON.parse(r.payload) as { lead: { id: string } }).lead.id);
      return [...ids];
    },
    async rewriteLeadEvents(userId, views) {
      return db.tx(async (s) => {
        let n = 0;
        const rows = await s.rows<{ seq: number; payload: string }>(
          `SELECT seq, payload FROM events WHERE user_id = $1
          AND (payload LIKE '{"type":"lead.upserted"%' OR payload LIKE '{"type":"nudge"%') ORDER BY seq FOR UPDATE`,
          [userId],
        );
        for (const r of rows) {
          const event = rewritten(r.payload, views);
          if (!event) continue;
          await s.run('UPDATE events SET payload = $1 WHERE user_id = $2 AND seq = $3', [
            JSON.stringify(event),
            userId,
            r.seq,
          ]);
          n++;
        }
        return n;
      });
    },
    async recordAcks(acks) {
      if (acks.length === 0) return;
      // One row per device (a statement may not update a row twice): the highest seq, the latest time.
      const byDevice = new Map<string, DeviceAck>();
      for (const a of acks) {
        const key = JSON.stringify([a.userId, a.deviceId]);
        const seen = byDevice.get(key);
        byDevice.set(key, seen ? { ...a, seq: Math.max(a.seq, seen.seq), at: a.at > seen.at ? a.at : seen.at } : a);
      }
      const rows = [...byDevice.values()];
      await db.run(
        `INSERT INTO devices (user_id, device_id, acked_seq, last_seen_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])
        ON CONFLICT (user_id, device_id) DO UPDATE SET acked_seq = GREATEST(devices.acked_seq, excluded.acked_seq),
        last_seen_at = excluded.last_seen_at`,
        [rows.map((a) => a.userId), rows.map((a) => a.deviceId), rows.map((a) => a.seq), rows.map((a) => a.at)],
      );
    },
  };
}
