// Activity History, tasks, a rep's nudge settings and firing task reminders on PostgreSQL: the
// ActivityStore part of the seam (reminder rows are reminders.ts), mirroring sqlite.ts.
import type { ActivityRecord, HistoryEntry, TaskRecord } from '../store';
import type { ActivityStore } from '../activity-store';
import { columns, newId, type Db, type Row, type Sql } from './db';
import { appendIn } from './events';
import { MESSAGE_SQL } from '../rows';
import { messageFrom, messageIn } from './messages';
import { PgReminderStore } from './reminders';
import { addNudgeIn } from './usage';

export async function addActivityIn(s: Sql, a: Omit<ActivityRecord, 'id'>): Promise<ActivityRecord> {
  return (await addActivitiesIn(s, [a]))[0]!;
}

/** History lines in one statement, in order. */
export async function addActivitiesIn(s: Sql, lines: Omit<ActivityRecord, 'id'>[]): Promise<ActivityRecord[]> {
  if (lines.length === 0) return [];
  const recs = lines.map((a) => ({ id: newId('act'), ...a }));
  const col = columns(recs);
  await s.run(
    `INSERT INTO activities (id, lead_id, type, summary, at, message_id)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [col('id'), col('leadId'), col('type'), col('summary'), col('at'), col('messageId')],
  );
  return recs;
}

const activityFrom = (a: Row): ActivityRecord => ({
  id: a.id,
  leadId: a.lead_id,
  type: a.type,
  summary: a.summary,
  at: a.at,
  messageId: a.message_id ?? null,
});

const taskFrom = (r: Row): TaskRecord => ({
  id: r.id,
  title: r.title,
  leadId: r.lead_id ?? null,
  ownerId: r.owner_id,
  dueAt: r.due_at,
  reminderMinutes: r.reminder_minutes,
  externalId: r.external_id ?? null,
});

const RANK = { activity: 'a', start: 'b', message: 'c' } as const;

/**
 * The page's rows, newest first: each source read newest first from its own index (at most
 * `limit` rows; a conversation's start is one MIN()), merged by (at, source, id) below the cursor.
 */
async function historyRows(
  s: Sql,
  leadId: string,
  conversationIds: string[],
  before: Parameters<ActivityStore['activityHistory']>[2],
  limit: number,
) {
  const [at, src, id] = before ? [before.at, RANK[before.kind], before.id] : ['\uffff', 'z', ''];
  // $1..$3: the cursor, $4: the limit, $5: the lead, $6: the conversations.
  // Binary order throughout, as SQLite compares (the unnested ids carry the database's collation).
  const below = (a: string, sr: string, i: string) =>
    `(${a} COLLATE "C", ${sr} COLLATE "C", ${i} COLLATE "C") < ($1, $2::text, $3)`;
  return s.rows<{ src: 'a' | 'b' | 'c'; id: string; at: string }>(
    `SELECT * FROM (
      (SELECT 'a'::text AS src, id, at FROM activities
        WHERE lead_id = $5 AND type <> 'conversation.started' AND at <= $1 AND ${below('at', "'a'", 'id')}
        ORDER BY at DESC, id DESC LIMIT $4)
      UNION ALL
      SELECT 'b'::text AS src, c.id, c.at FROM (
        SELECT cid AS id, (SELECT MIN(created_at) FROM messages WHERE conversation_id = cid) AS at FROM unnest($6::text[]) AS cid
      ) c WHERE c.at IS NOT NULL AND ${below('c.at', "'b'", 'c.id')}
      UNION ALL
      SELECT 'c'::text AS src, x.id, x.at FROM unnest($6::text[]) AS cid, LATERAL (
        SELECT id, created_at AS at FROM messages
        WHERE conversation_id = cid AND created_at <= $1 AND ${below('created_at', "'c'", 'id')}
        ORDER BY created_at DESC, id DESC LIMIT $4
      ) x
    ) h ORDER BY at COLLATE "C" DESC, src COLLATE "C" DESC, id COLLATE "C" DESC LIMIT $4`,
    [at, src, id, limit, leadId, conversationIds],
  );
}

async function historyEntry(s: Sql, r: { src: 'a' | 'b' | 'c'; id: string; at: string }): Promise<HistoryEntry> {
  if (r.src === 'a') {
    const a = (await s.one('SELECT * FROM activities WHERE id = $1', [r.id]))!;
    return { kind: 'activity', at: r.at, activity: activityFrom(a) };
  }
  if (r.src === 'b') {
    const first = (await s.one(`${MESSAGE_SQL} WHERE m.conversation_id = $1 ORDER BY m.created_at, m.id LIMIT 1`, [
      r.id,
    ]))!;
    return { kind: 'start', at: r.at, conversationId: r.id, first: messageFrom(first) };
  }
  return { kind: 'message', at: r.at, message: (await messageIn(s, r.id))! };
}

export function activityStore(db: Db): ActivityStore {
  const getTask = async (id: string) => {
    const r = await db.one('SELECT * FROM tasks WHERE id = $1', [id]);
    return r ? taskFrom(r) : null;
  };
  return {
    reminders: new PgReminderStore(db),
    addActivity: (a) => addActivityIn(db, a),
    async listActivity(leadId, limit) {
      return (
        await db.rows('SELECT * FROM activities WHERE lead_id = $1 ORDER BY at DESC, n DESC LIMIT $2', [leadId, limit])
      ).map(activityFrom);
    },
    async activityHistory(leadId, conversationIds, before, limit) {
      const out: HistoryEntry[] = [];
      for (const r of await historyRows(db, leadId, conversationIds, before, limit))
        out.push(await historyEntry(db, r));
      return out;
    },
    async nudgeSettings(userId) {
      const row = await db.one<{ nudge_settings: string }>(
        'SELECT nudge_settings FROM rep_settings WHERE user_id = $1',
        [userId],
      );
      return row ? (JSON.parse(row.nudge_settings) as unknown) : null;
    },
    async saveNudgeSettings(userId, settings, at) {
      await db.run(
        `INSERT INTO rep_settings (user_id, nudge_settings, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (user_id) DO UPDATE SET nudge_settings = excluded.nudge_settings, updated_at = excluded.updated_at`,
        [userId, JSON.stringify(settings), at],
      );
    },
    async createTask(t) {
      const id = newId('task');
      await db.run(
        'INSERT INTO tasks (id, title, lead_id, owner_id, due_at, reminder_minutes, external_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [id, t.title, t.leadId, t.ownerId, t.dueAt, t.reminderMinutes, t.externalId ?? null],
      );
      return { ...t, id, externalId: t.externalId ?? null };
    },
    async listTasks(ownerId) {
      return (
        await db.rows('SELECT * FROM tasks WHERE ($1::text IS NULL OR owner_id = $1) ORDER BY due_at', [ownerId])
      ).map(taskFrom);
    },
    getTask,
    async taskByExternalId(externalId) {
      const r = await db.one('SELECT * FROM tasks WHERE external_id = $1', [externalId]);
      return r ? taskFrom(r) : null;
    },
    async updateTask(id, patch) {
      const cur = await getTask(id);
      if (!cur) return null;
      const t = {
        ...cur,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      } as TaskRecord;
      await db.run(
        'UPDATE tasks SET title = $1, lead_id = $2, owner_id = $3, due_at = $4, reminder_minutes = $5 WHERE id = $6',
        [t.title, t.leadId, t.ownerId, t.dueAt, t.reminderMinutes, id],
      );
      return t;
    },
    async deleteTask(id) {
      return (await db.run('DELETE FROM tasks WHERE id = $1', [id])) > 0;
    },
    fireReminder(taskId, fireAt, at, nudge, nudgeEvent) {
      const [atMs, fireAtMs] = [Date.parse(at), Date.parse(fireAt)];
      if (Number.isNaN(atMs) || Number.isNaN(fireAtMs))
        throw new RangeError(`Invalid reminder time (at ${at}, fireAt ${fireAt}): ISO-8601 times expected.`);
      return db.tx(async (s) => {
        // The claim: of two nodes firing at once, the second waits on the row and then matches nothing.
        const claimed = await s.run(
          'UPDATE task_reminders SET fired_at = $1 WHERE task_id = $2 AND fired_at IS NULL AND fire_at = $3',
          [atMs, taskId, fireAtMs],
        );
        if (claimed === 0) return null;
        if (!nudge) return [];
        const rec = await addNudgeIn(s, nudge.nudge, nudge.month);
        return appendIn(s, [{ userId: rec.userId, event: nudgeEvent(rec) }], at);
      });
    },
  };
}
