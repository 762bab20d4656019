// Task reminders on SQLite (the task_reminders table of ../reminders.ts; times as epoch
// milliseconds). Firing is `claimSync` inside Store.fireReminder's transaction: a conditional
// UPDATE whose change count says who won, so a reminder fires once across restarts and processes.
import type Database from 'better-sqlite3';
import { parseReminderInput, type ReminderInput, type ReminderStore, type TaskReminder } from '../reminders';

interface ReminderRow {
  task_id: string;
  user_id: string;
  lead_id: string | null;
  title: string;
  due_at: number;
  reminder_minutes: number;
  fire_at: number;
  fired_at: number | null;
}

const toReminder = (r: ReminderRow): TaskReminder => ({
  taskId: r.task_id,
  userId: r.user_id,
  leadId: r.lead_id,
  title: r.title,
  dueAt: new Date(r.due_at),
  reminderMinutes: r.reminder_minutes,
  fireAt: new Date(r.fire_at),
  firedAt: r.fired_at === null ? null : new Date(r.fired_at),
});

export class SqliteReminderStore implements ReminderStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      upsert: db.prepare(`
        INSERT INTO task_reminders (task_id, user_id, lead_id, title, due_at, reminder_minutes, fire_at, fired_at)
        VALUES (@taskId, @userId, @leadId, @title, @dueAt, @reminderMinutes, @fireAt, NULL)
        ON CONFLICT (task_id) DO UPDATE SET
          user_id = excluded.user_id, lead_id = excluded.lead_id, title = excluded.title,
          due_at = excluded.due_at, reminder_minutes = excluded.reminder_minutes,
          fired_at = CASE WHEN task_reminders.fire_at = excluded.fire_at THEN task_reminders.fired_at ELSE NULL END,
          fire_at = excluded.fire_at`),
      get: db.prepare(`SELECT * FROM task_reminders WHERE task_id = ?`),
      cancel: db.prepare(`DELETE FROM task_reminders WHERE task_id = ?`),
      due: db.prepare(
        `SELECT * FROM task_reminders WHERE fired_at IS NULL AND fire_at <= ? ORDER BY fire_at, task_id LIMIT ?`,
      ),
      next: db.prepare(`SELECT MIN(fire_at) AS next FROM task_reminders WHERE fired_at IS NULL`),
      // The fire time is part of the claim: a reminder moved since it was read is a new one.
      claim: db.prepare(
        `UPDATE task_reminders SET fired_at = ? WHERE task_id = ? AND fire_at = ? AND fired_at IS NULL`,
      ),
    };
  }

  async upsert(input: ReminderInput): Promise<TaskReminder> {
    const r = parseReminderInput(input);
    const dueAt = r.dueAt.getTime();
    this.stmt.upsert.run({ ...r, dueAt, fireAt: dueAt - r.reminderMinutes * 60_000 });
    return toReminder(this.stmt.get.get(r.taskId) as ReminderRow);
  }

  async cancel(taskId: string): Promise<void> {
    this.stmt.cancel.run(taskId);
  }

  async due(at: Date, limit: number): Promise<TaskReminder[]> {
    return (this.stmt.due.all(at.getTime(), limit) as ReminderRow[]).map(toReminder);
  }

  async nextFireAt(): Promise<Date | null> {
    const row = this.stmt.next.get() as { next: number | null };
    return row.next === null ? null : new Date(row.next);
  }

  /**
   * Mark the reminder fired at `at` if it is still unfired with this fire time, inside the
   * caller's (immediate) transaction; false when it was fired already, moved or is gone.
   */
  claimSync(taskId: string, fireAt: Date, at: Date): boolean {
    return this.stmt.claim.run(at.getTime(), taskId, fireAt.getTime()).changes === 1;
  }
}
