// The usage counters in SQLite: one row per (month, kind, entity, provider, direction, user),
// incremented in place. Counting at write time (rather than scanning messages and nudges
// when a report is opened) keeps a 12-month report a 12-month index read however busy the
// workspace is, and fixes each event's month at the moment it happened, in the workspace's
// time zone of that moment.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { NudgeEntity, SmsProvider, Direction } from '../../shared/domain';
import { isTimeZone, usageMonthOf } from './usage-month';
import type { UsageCounterQuery, UsageCounterRow, UsageCounterSource } from './usage-report';

/**
 * The table `usage_month_counters` (not `usage_counters`: server/storage has a table of that
 * name with another shape, and both may live in one database file). Idempotent: call
 * migrate(db) on every start, or append the SQL to a migration list. Empty strings stand for
 * "none" in the key columns because SQLite treats NULLs as distinct in a primary key, which
 * would break the upsert.
 */
export const USAGE_MONTH_COUNTERS_SQL = `
    CREATE TABLE IF NOT EXISTS usage_month_counters (
      month     TEXT    NOT NULL,
      kind      TEXT    NOT NULL CHECK (kind IN ('nudge', 'sms', 'whatsapp')),
      entity    TEXT    NOT NULL DEFAULT '',
      provider  TEXT    NOT NULL DEFAULT '',
      direction TEXT    NOT NULL DEFAULT '',
      user_id   TEXT    NOT NULL DEFAULT '',
      count     INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
      PRIMARY KEY (month, kind, entity, provider, direction, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS usage_month_counters_user_month ON usage_month_counters (user_id, month);
  `;

export function migrate(db: Database.Database): void {
  db.exec(USAGE_MONTH_COUNTERS_SQL);
}

const Instant = z.date({ error: 'must be a valid date' });
const TimeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as "America/New_York"');
const common = {
  /** When it happened; bucketed into the month of `timeZone`. */
  at: Instant,
  timeZone: TimeZone,
  /** Whose figure it is: the nudged user, the sending user, the owner of the lead that wrote. */
  userId: z.string().min(1).nullable(),
  by: z.number().int().positive().max(1_000_000).default(1),
};

export const UsageIncrement = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('nudge'), entity: NudgeEntity, ...common }),
  z.object({ kind: z.literal('sms'), provider: SmsProvider, direction: Direction, ...common }),
  z.object({ kind: z.literal('whatsapp'), direction: Direction, ...common }),
]);
export type UsageIncrement = z.input<typeof UsageIncrement>;

export class SqliteUsageCounters implements UsageCounterSource {
  private readonly upsert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.upsert = db.prepare(`
      INSERT INTO usage_month_counters (month, kind, entity, provider, direction, user_id, count)
      VALUES (@month, @kind, @entity, @provider, @direction, @userId, @by)
      ON CONFLICT (month, kind, entity, provider, direction, user_id)
      DO UPDATE SET count = count + excluded.count`);
  }

  /**
   * Counts one event. Synchronous, so the caller can run it inside the same transaction
   * that stores the message or nudge: the count and the thing counted commit together.
   */
  increment(input: UsageIncrement): { month: string } {
    const parsed = UsageIncrement.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RangeError(`Cannot count usage (${issue?.path.join('.') || 'input'}): ${issue?.message ?? 'rejected'}.`);
    }
    const e = parsed.data;
    const month = usageMonthOf(e.at, e.timeZone);
    this.upsert.run({
      month,
      kind: e.kind,
      entity: e.kind === 'nudge' ? e.entity : '',
      provider: e.kind === 'sms' ? e.provider : '',
      direction: e.kind === 'nudge' ? '' : e.direction,
      userId: e.userId ?? '',
      by: e.by,
    });
    return { month };
  }

  usageCounters(query: UsageCounterQuery): UsageCounterRow[] {
    if (query.months.length === 0) return [];
    const placeholders = query.months.map(() => '?').join(', ');
    const byUser = query.userId !== null;
    const rows = this.db.prepare(`
      SELECT month, kind, entity, provider, direction, user_id AS userId, count
      FROM usage_month_counters
      WHERE month IN (${placeholders}) ${byUser ? 'AND user_id = ?' : ''}`)
      .all(...query.months, ...(byUser ? [query.userId] : [])) as Array<{
        month: string; kind: UsageCounterRow['kind']; entity: string; provider: string; direction: string; userId: string; count: number;
      }>;
    return rows.map((r) => ({
      month: r.month,
      kind: r.kind,
      ...(r.entity ? { entity: r.entity as UsageCounterRow['entity'] } : {}),
      ...(r.provider ? { provider: r.provider as UsageCounterRow['provider'] } : {}),
      ...(r.direction ? { direction: r.direction as UsageCounterRow['direction'] } : {}),
      userId: r.userId === '' ? null : r.userId,
      count: r.count,
    }));
  }
}
