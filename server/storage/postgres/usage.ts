// Nudges, the monthly usage counters and SMS opt-outs on PostgreSQL: the UsageStore and
// OptOutStore parts of the seam, mirroring sqlite.ts. Counters are upserts, safe from any node.
import type { NudgeEntity } from '../../../shared/domain';
import type { NudgeRecord, UsageCounterRow } from '../store';
import type { UsageStore } from '../usage-store';
import type { OptOutStore } from '../opt-out-store';
import { columns, newId, type Db, type Row, type Sql } from './db';

const nudgeFrom = (r: Row): NudgeRecord => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  entityType: r.entity_type,
  leadId: r.lead_id ?? null,
  conversationId: r.conversation_id ?? null,
  taskId: r.task_id ?? null,
  title: r.title,
  body: r.body,
  createdAt: r.created_at,
});

export async function addNudgeIn(s: Sql, n: Omit<NudgeRecord, 'id'>, month: string): Promise<NudgeRecord> {
  const rec = { id: newId('ndg'), ...n };
  await addNudgesIn(s, [{ rec, month }]);
  return rec;
}

/** Nudges with their ids (given, so a caller can build their events), in one statement. */
export async function addNudgesIn(s: Sql, nudges: { rec: NudgeRecord; month: string }[]): Promise<void> {
  if (nudges.length === 0) return;
  const col = columns(nudges.map((n) => n.rec));
  await s.run(
    `INSERT INTO nudges (id, user_id, kind, entity_type, lead_id, conversation_id, task_id, title, body, created_at, month)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::text[])`,
    [
      col('id'),
      col('userId'),
      col('kind'),
      col('entityType'),
      col('leadId'),
      col('conversationId'),
      col('taskId'),
      col('title'),
      col('body'),
      col('createdAt'),
      nudges.map((n) => n.month),
    ],
  );
}

/**
 * How many rows each counter is spread over (migration 2): bumps from concurrent transactions
 * mostly land on different rows, so they do not wait on each other's commits.
 */
export const USAGE_SHARDS = 16;
const anyShard = () => Math.floor(Math.random() * USAGE_SHARDS);

/**
 * Counters bumped in one statement (an inbound message counts for the workspace and its owner),
 * all in one shard picked at random. Callers bump last in their transaction: the row stays locked
 * until the commit.
 */
export async function bumpUsagesIn(s: Sql, rows: Omit<UsageCounterRow, 'count'>[]): Promise<void> {
  if (rows.length === 0) return;
  // One row per counter: a statement may not update one row twice.
  const byKey = new Map<string, { row: Omit<UsageCounterRow, 'count'>; n: number }>();
  for (const row of rows) {
    const key = JSON.stringify([row.month, row.userId, row.provider, row.channel, row.direction]);
    const seen = byKey.get(key);
    if (seen) seen.n++;
    else byKey.set(key, { row, n: 1 });
  }
  // In one order, so two transactions bumping the same shard's rows never deadlock.
  const counters = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
  await s.run(
    `INSERT INTO usage_counters (month, user_id, provider, channel, direction, count, shard)
    SELECT *, $7::smallint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
    ON CONFLICT (month, user_id, provider, channel, direction, shard)
    DO UPDATE SET count = usage_counters.count + excluded.count`,
    [
      counters.map((c) => c.row.month),
      counters.map((c) => c.row.userId),
      counters.map((c) => c.row.provider),
      counters.map((c) => c.row.channel),
      counters.map((c) => c.row.direction),
      counters.map((c) => c.n),
      anyShard(),
    ],
  );
}

export async function setOptOutIn(
  s: Sql,
  businessNumber: string,
  leadNumber: string,
  optedOut: boolean,
  keyword: string,
  at: string,
): Promise<void> {
  await s.run(
    `INSERT INTO opt_outs (business_number, lead_number, opted_out, keyword, updated_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (business_number, lead_number) DO UPDATE SET opted_out = excluded.opted_out, keyword = excluded.keyword,
    updated_at = excluded.updated_at`,
    [businessNumber, leadNumber, optedOut ? 1 : 0, keyword, at],
  );
}

export function usageStore(db: Db): UsageStore & OptOutStore {
  return {
    addNudge: (n, month) => addNudgeIn(db, n, month),
    async listNudges(userId, limit) {
      return (
        await db.rows('SELECT * FROM nudges WHERE user_id = $1 ORDER BY created_at DESC, n DESC LIMIT $2', [
          userId,
          limit,
        ])
      ).map(nudgeFrom);
    },
    async countNudges(months, userId) {
      if (months.length === 0) return [];
      const rows = await db.rows(
        `SELECT month, entity_type, COUNT(*) AS n FROM nudges WHERE month = ANY($1) AND ($2::text IS NULL OR user_id = $2)
        GROUP BY month, entity_type ORDER BY month, entity_type`,
        [months, userId],
      );
      return rows.map((r) => ({
        month: r.month as string,
        entityType: r.entity_type as NudgeEntity,
        count: r.n as number,
      }));
    },
    bumpUsage: (row) => bumpUsagesIn(db, [row]),
    async usage(months, userId) {
      if (months.length === 0) return [];
      const rows = await db.rows(
        // The shards added up, in the key's order, as SQLite reads its WITHOUT ROWID table.
        `SELECT month, user_id, provider, channel, direction, SUM(count) AS count FROM usage_counters
        WHERE month = ANY($1) AND user_id = $2 GROUP BY month, user_id, provider, channel, direction
        ORDER BY month, provider, channel, direction`,
        [months, userId ?? ''],
      );
      return rows.map((r) => ({
        month: r.month,
        userId: r.user_id,
        provider: r.provider,
        channel: r.channel,
        direction: r.direction,
        count: r.count,
      }));
    },
    setOptOut: (businessNumber, leadNumber, optedOut, keyword, at) =>
      setOptOutIn(db, businessNumber, leadNumber, optedOut, keyword, at),
    async isOptedOut(businessNumber, leadNumber) {
      const r = await db.one<{ o: number }>(
        'SELECT opted_out AS o FROM opt_outs WHERE business_number = $1 AND lead_number = $2',
        [businessNumber, leadNumber],
      );
      return !!r?.o;
    },
    async optedOutNumbers(numbers) {
      if (numbers.length === 0) return new Set<string>();
      const rows = await db.rows<{ lead_number: string }>(
        'SELECT DISTINCT lead_number FROM opt_outs WHERE opted_out = 1 AND lead_number = ANY($1)',
        [numbers],
      );
      return new Set(rows.map((r) => r.lead_number));
    },
  };
}
