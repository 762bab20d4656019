// Task reminders as rows on PostgreSQL: the ReminderStore the scheduler reads, mirroring
// server/storage/reminders.ts. Firing is Store.fireReminder (activity.ts): the claim, the nudge
// and its event in one transaction.
import { ReminderInput, type ReminderStore, type TaskReminder } from '../reminders';
import type { Db, Row } from './db';

const toReminder = (r: Row): TaskReminder => ({
  taskId: r.task_id,
  userId: r.user_id,
  leadId: r.lead_id,
  title: r.title,
  dueAt: new Date(r.due_at),
  reminderMinutes: r.reminder_minutes,
  fireAt: new Date(r.fire_at),
  firedAt: r.fired_at === null ? null : new Date(r.fired_at),
});

export class PgReminderStore implements ReminderStore {
  constructor(private readonly db: Db) {}

  async upsert(input: ReminderInput): Promise<TaskReminder> {
    const parsed = ReminderInput.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RangeError(
        `Invalid task reminder (${issue?.path.join('.') || 'input'}): ${issue?.message ?? 'rejected'}.`,
      );
    }
    const r = parsed.data;
    const dueAt = r.dueAt.getTime();
    // A reminder whose fire time moves is armed again; one that stays keeps its fired mark.
    const row = await this.db.one(
      `INSERT INTO task_reminders (task_id, user_id, lead_id, title, due_at, reminder_minutes, fire_at, fired_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
      ON CONFLICT (task_id) DO UPDATE SET
        user_id = excluded.user_id, lead_id = excluded.lead_id, title = excluded.title,
        due_at = excluded.due_at, reminder_minutes = excluded.reminder_minutes,
        fired_at = CASE WHEN task_reminders.fire_at = excluded.fire_at THEN task_reminders.fired_at ELSE NULL END,
        fire_at = excluded.fire_at
      RETURNING *`,
      [r.taskId, r.userId, r.leadId, r.title, dueAt, r.reminderMinutes, dueAt - r.reminderMinutes * 60_000],
    );
    return toReminder(row!);
  }

  async cancel(taskId: string): Promise<void> {
    await this.db.run('DELETE FROM task_reminders WHERE task_id = $1', [taskId]);
  }

  async due(at: Date, limit: number): Promise<TaskReminder[]> {
    const rows = await this.db.rows(
      'SELECT * FROM task_reminders WHERE fired_at IS NULL AND fire_at <= $1 ORDER BY fire_at, task_id LIMIT $2',
      [at.getTime(), limit],
    );
    return rows.map(toReminder);
  }

  async nextFireAt(): Promise<Date | null> {
    const row = await this.db.one<{ next: number | null }>(
      'SELECT MIN(fire_at) AS next FROM task_reminders WHERE fired_at IS NULL',
    );
    return row?.next == null ? null : new Date(row.next);
  }
}
