// Nudges, the monthly usage counters the reports read, and SMS opt-outs, on SQLite.
// `addNudgeSync`, `bumpUsageSync` and `setOptOutSync` are for the other parts' transactions.
import type { Channel, Direction, NudgeEntity, NudgeKind } from '../../../shared/domain';
import type { OptOutStore } from '../opt-out-store';
import type { NudgeRecord, UsageCounterRow } from '../records';
import type { UsageStore } from '../usage-store';
import { inChunks, newId, placeholders, type SqliteConnection } from './connection';

interface NudgeRow {
  id: string;
  user_id: string;
  kind: NudgeKind;
  entity_type: NudgeEntity;
  lead_id: string | null;
  conversation_id: string | null;
  task_id: string | null;
  title: string;
  body: string;
  created_at: string;
  month: string;
}

/** A `usage_counters` row (user_id '' is the workspace total). */
interface UsageCountersRow {
  month: string;
  user_id: string;
  provider: string;
  channel: Channel;
  direction: Direction;
  count: number;
}

const nudgeFrom = (r: NudgeRow): NudgeRecord => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  entityType: r.entity_type,
  leadId: r.lead_id,
  conversationId: r.conversation_id,
  taskId: r.task_id,
  title: r.title,
  body: r.body,
  createdAt: r.created_at,
});

export class SqliteUsage implements UsageStore, OptOutStore {
  constructor(private readonly c: SqliteConnection) {}

  async addNudge(n: Omit<NudgeRecord, 'id'>, month: string) {
    return this.addNudgeSync(n, month);
  }
  /** Store a nudge, counted in `month` (the reports' nudge count), inside the caller's transaction. */
  addNudgeSync(n: Omit<NudgeRecord, 'id'>, month: string): NudgeRecord {
    const id = newId('ndg');
    this.c.run(
      'INSERT INTO nudges (id, user_id, kind, entity_type, lead_id, conversation_id, task_id, title, body, created_at, month) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      n.userId,
      n.kind,
      n.entityType,
      n.leadId,
      n.conversationId,
      n.taskId,
      n.title,
      n.body,
      n.createdAt,
      month,
    );
    return { id, ...n };
  }
  async listNudges(userId: string, limit: number) {
    return this.c
      .all<NudgeRow>(
        'SELECT * FROM nudges WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
        userId,
        limit,
      )
      .map(nudgeFrom);
  }
  async countNudges(months: string[], userId: string | null) {
    if (months.length === 0) return [];
    return this.c
      .allOnce<{ month: string; entity_type: NudgeEntity; n: number }>(
        `SELECT month, entity_type, COUNT(*) AS n FROM nudges WHERE month IN (${placeholders(months.length)}) AND (? IS NULL OR user_id = ?) GROUP BY month, entity_type`,
        ...months,
        userId,
        userId,
      )
      .map((r) => ({ month: r.month, entityType: r.entity_type, count: r.n }));
  }
  async bumpUsage(row: Omit<UsageCounterRow, 'count'>) {
    this.bumpUsageSync(row);
  }
  /** Count one more message for this month, user, provider, channel and direction, inside the caller's transaction. */
  bumpUsageSync(row: Omit<UsageCounterRow, 'count'>) {
    this.c.run(
      `INSERT INTO usage_counters (month, user_id, provider, channel, direction, count) VALUES (?, ?, ?, ?, ?, 1)
      ON CONFLICT (month, user_id, provider, channel, direction) DO UPDATE SET count = count + 1`,
      row.month,
      row.userId,
      row.provider,
      row.channel,
      row.direction,
    );
  }
  async usage(months: string[], userId: string | null): Promise<UsageCounterRow[]> {
    if (months.length === 0) return [];
    return this.c
      .allOnce<UsageCountersRow>(
        `SELECT * FROM usage_counters WHERE month IN (${placeholders(months.length)}) AND user_id = ?`,
        ...months,
        userId ?? '',
      )
      .map((r) => ({
        month: r.month,
        userId: r.user_id,
        provider: r.provider,
        channel: r.channel,
        direction: r.direction,
        count: r.count,
      }));
  }

  async setOptOut(businessNumber: string, leadNumber: string, optedOut: boolean, keyword: string, at: string) {
    this.setOptOutSync(businessNumber, leadNumber, optedOut, keyword, at);
  }
  /** Record an opt-out (or opt-in) keyword inside the caller's transaction. */
  setOptOutSync(businessNumber: string, leadNumber: string, optedOut: boolean, keyword: string, at: string) {
    this.c.run(
      `INSERT INTO opt_outs (business_number, lead_number, opted_out, keyword, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (business_number, lead_number) DO UPDATE SET opted_out = excluded.opted_out, keyword = excluded.keyword, updated_at = excluded.updated_at`,
      businessNumber,
      leadNumber,
      optedOut ? 1 : 0,
      keyword,
      at,
    );
  }
  async isOptedOut(businessNumber: string, leadNumber: string) {
    return !!this.c.get<{ o: number }>(
      'SELECT opted_out AS o FROM opt_outs WHERE business_number = ? AND lead_number = ?',
      businessNumber,
      leadNumber,
    )?.o;
  }
  async optedOutNumbers(numbers: string[]) {
    const rows = inChunks(numbers, (chunk) =>
      this.c.allOnce<{ lead_number: string }>(
        `SELECT DISTINCT lead_number FROM opt_outs WHERE opted_out = 1 AND lead_number IN (${placeholders(chunk.length)})`,
        ...chunk,
      ),
    );
    return new Set(rows.map((r) => r.lead_number));
  }
}
