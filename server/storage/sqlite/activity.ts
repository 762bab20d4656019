// A lead's Activity History, tasks and their reminders (firing one with its nudge, once), and a
// rep's nudge settings, on SQLite. `addActivitySync` is for the other parts' transactions.
import type { StreamEvent } from '../../../shared/stream-protocol';
import type { ActivityStore } from '../activity-store';
import type { ActivityRecord, AppendedEvent, HistoryCursor, HistoryEntry, NudgeRecord, TaskRecord } from '../records';
import { newId, type SqliteConnection } from './connection';
import type { SqliteEventLog } from './event-log';
import { readMessage, readMessages } from './message-rows';
import type { SqliteReminderStore } from './reminders';
import type { SqliteUsage } from './usage';

interface ActivityRow {
  id: string;
  lead_id: string;
  type: string;
  summary: string;
  at: string;
  message_id: string | null;
}

interface TaskRow {
  id: string;
  title: string;
  lead_id: string | null;
  owner_id: string;
  due_at: string;
  reminder_minutes: number;
  external_id: string | null;
}

/** One Activity History entry as the merged read returns it: a = activity, b = conversation start, c = message. */
interface HistoryRow {
  src: 'a' | 'b' | 'c';
  id: string;
  at: string;
}

const activityFrom = (r: ActivityRow): ActivityRecord => ({
  id: r.id,
  leadId: r.lead_id,
  type: r.type,
  summary: r.summary,
  at: r.at,
  messageId: r.message_id,
});

const taskFrom = (r: TaskRow): TaskRecord => ({
  id: r.id,
  title: r.title,
  leadId: r.lead_id,
  ownerId: r.owner_id,
  dueAt: r.due_at,
  reminderMinutes: r.reminder_minutes,
  externalId: r.external_id,
});

/** The ISO time as a Date, or a RangeError naming the argument. */
function validTime(name: string, iso: string): Date {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new RangeError(`${name} must be an ISO time, not "${iso}".`);
  return d;
}

export class SqliteActivity implements ActivityStore {
  constructor(
    private readonly c: SqliteConnection,
    readonly reminders: SqliteReminderStore,
    private readonly parts: { usage: SqliteUsage; eventLog: SqliteEventLog },
  ) {}

  async addActivity(a: Omit<ActivityRecord, 'id'>) {
    return this.addActivitySync(a);
  }
  /** Add an activity to a lead's history inside the caller's transaction. */
  addActivitySync(a: Omit<ActivityRecord, 'id'>): ActivityRecord {
    const id = newId('act');
    this.c.run(
      'INSERT INTO activities (id, lead_id, type, summary, at, message_id) VALUES (?, ?, ?, ?, ?, ?)',
      id,
      a.leadId,
      a.type,
      a.summary,
      a.at,
      a.messageId,
    );
    return { id, ...a };
  }
  async listActivity(leadId: string, limit: number) {
    return this.c
      .all<ActivityRow>(
        'SELECT * FROM activities WHERE lead_id = ? ORDER BY at DESC, rowid DESC LIMIT ?',
        leadId,
        limit,
      )
      .map(activityFrom);
  }
  async activityHistory(
    leadId: string,
    conversationIds: string[],
    before: HistoryCursor | null,
    limit: number,
  ): Promise<HistoryEntry[]> {
    // Each source is read newest first from its own index, at most `limit` rows (a conversation's
    // start is one MIN() on its index), then merged: a page costs the same however long the
    // lead's history is. `at <= ?` lets each source seek to the cursor; the row value breaks ties.
    const rank = { activity: 'a', start: 'b', message: 'c' } as const;
    const c = before ? [before.at, rank[before.kind], before.id] : ['\uffff', 'z', ''];
    const parts = [
      `SELECT * FROM (SELECT 'a' AS src, id, at FROM activities
      WHERE lead_id = ? AND type <> 'conversation.started' AND at <= ? AND (at, 'a', id) < (?, ?, ?) ORDER BY at DESC, id DESC LIMIT ?)`,
    ];
    const args: unknown[] = [leadId, c[0], ...c, limit];
    for (const conversationId of conversationIds) {
      parts.push(`SELECT * FROM (SELECT 'b' AS src, ? AS id, (SELECT MIN(created_at) FROM messages WHERE conversation_id = ?) AS at)
        WHERE at IS NOT NULL AND (at, src, id) < (?, ?, ?)`);
      args.push(conversationId, conversationId, ...c);
      parts.push(`SELECT * FROM (SELECT 'c' AS src, id, created_at AS at FROM messages
        WHERE conversation_id = ? AND created_at <= ? AND (created_at, 'c', id) < (?, ?, ?) ORDER BY created_at DESC, id DESC LIMIT ?)`);
      args.push(conversationId, c[0], ...c, limit);
    }
    const rows = this.c.all<HistoryRow>(
      `${parts.join(' UNION ALL ')} ORDER BY at DESC, src DESC, id DESC LIMIT ?`,
      ...args,
      limit,
    );
    return rows.map((r) => this.historyEntry(r));
  }
  private historyEntry(r: HistoryRow): HistoryEntry {
    if (r.src === 'a') {
      const a = this.c.get<ActivityRow>('SELECT * FROM activities WHERE id = ?', r.id)!;
      return { kind: 'activity', at: r.at, activity: activityFrom(a) };
    }
    if (r.src === 'b') {
      const first = readMessages(this.c, 'm.conversation_id = ? ORDER BY m.created_at, m.id LIMIT 1', r.id)[0];
      return { kind: 'start', at: r.at, conversationId: r.id, first };
    }
    return { kind: 'message', at: r.at, message: readMessage(this.c, r.id)! };
  }

  async nudgeSettings(userId: string): Promise<unknown> {
    const row = this.c.get<{ nudge_settings: string }>(
      'SELECT nudge_settings FROM rep_settings WHERE user_id = ?',
      userId,
    );
    return row ? JSON.parse(row.nudge_settings) : null;
  }
  async saveNudgeSettings(userId: string, settings: unknown, at: string) {
    this.c.run(
      `INSERT INTO rep_settings (user_id, nudge_settings, updated_at) VALUES (?, ?, ?)
      ON CONFLICT(user_id) DO UPDATE SET nudge_settings = excluded.nudge_settings, updated_at = excluded.updated_at`,
      userId,
      JSON.stringify(settings),
      at,
    );
  }

  async createTask(t: Omit<TaskRecord, 'id'>) {
    const id = newId('task');
    this.c.run(
      'INSERT INTO tasks (id, title, lead_id, owner_id, due_at, reminder_minutes, external_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
      id,
      t.title,
      t.leadId,
      t.ownerId,
      t.dueAt,
      t.reminderMinutes,
      t.externalId ?? null,
    );
    return { ...t, id, externalId: t.externalId ?? null };
  }
  async listTasks(ownerId: string | null) {
    return this.c
      .all<TaskRow>('SELECT * FROM tasks WHERE (? IS NULL OR owner_id = ?) ORDER BY due_at', ownerId, ownerId)
      .map(taskFrom);
  }
  async getTask(id: string) {
    const r = this.c.get<TaskRow>('SELECT * FROM tasks WHERE id = ?', id);
    return r ? taskFrom(r) : null;
  }
  async taskByExternalId(externalId: string) {
    const r = this.c.get<TaskRow>('SELECT * FROM tasks WHERE external_id = ?', externalId);
    return r ? taskFrom(r) : null;
  }
  async updateTask(id: string, patch: Partial<Omit<TaskRecord, 'id' | 'externalId'>>) {
    const cur = await this.getTask(id);
    if (!cur) return null;
    const t = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as TaskRecord;
    this.c.run(
      'UPDATE tasks SET title = ?, lead_id = ?, owner_id = ?, due_at = ?, reminder_minutes = ? WHERE id = ?',
      t.title,
      t.leadId,
      t.ownerId,
      t.dueAt,
      t.reminderMinutes,
      id,
    );
    return t;
  }
  async deleteTask(id: string) {
    return this.c.run('DELETE FROM tasks WHERE id = ?', id).changes > 0;
  }

  async fireReminder(
    taskId: string,
    fireAt: string,
    at: string,
    nudge: { nudge: Omit<NudgeRecord, 'id'>; month: string } | null,
    nudgeEvent: (nudge: NudgeRecord) => StreamEvent,
  ): Promise<AppendedEvent[] | null> {
    const fireTime = validTime('fireAt', fireAt);
    const firedTime = validTime('at', at);
    const { usage, eventLog } = this.parts;
    // Immediate: a second process on this file waits for the write lock, then finds it fired.
    return this.c.txImmediate(() => {
      if (!this.reminders.claimSync(taskId, fireTime, firedTime)) return null;
      if (!nudge) return [];
      const stored = usage.addNudgeSync(nudge.nudge, nudge.month);
      return [eventLog.appendSync(stored.userId, nudgeEvent(stored), at)];
    });
  }
}
