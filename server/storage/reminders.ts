// Task reminders as rows: the task_reminders table, its SQL and the store the scheduler
// (server/nudges/reminder-scheduler.ts) reads. "Fired" is claimed with a conditional UPDATE whose
// change count says who won, so a reminder fires once even across restarts or two schedulers on
// one database file. Storage owns every SQL statement, so this lives here and not beside the timer.
import type Database from 'better-sqlite3';
import { z } from 'zod';

export interface TaskReminder {
  /** One reminder per task, so this is the task's id. */
  taskId: string;
  /** The user to nudge (the task's owner). */
  userId: string;
  leadId: string | null;
  title: string;
  dueAt: Date;
  reminderMinutes: number;
  /** dueAt − reminderMinutes. */
  fireAt: Date;
  firedAt: Date | null;
}

export const ReminderInput = z.object({
  taskId: z.string().min(1).max(200),
  userId: z.string().min(1).max(200),
  leadId: z.string().min(1).max(200).nullable().default(null),
  title: z.string().max(500),
  dueAt: z.date({ error: 'must be a valid date' }),
  /** Up to a week ahead, as the admin API allows. */
  reminderMinutes: z.number().int().min(0).max(10_080),
});
export type ReminderInput = z.input<typeof ReminderInput>;

export type FireOutcome = 'fired' | 'already-fired' | 'gone';

/** What the scheduler needs from storage. */
export interface ReminderStore {
  /** Creates or reschedules a task's reminder; a reminder whose fire time moves is armed again. */
  upsert(input: ReminderInput): TaskReminder;
  /** The task was completed or deleted: no reminder. */
  cancel(taskId: string): void;
  /** Unfired reminders with fireAt <= at, oldest first. */
  due(at: Date, limit: number): TaskReminder[];
  /** The earliest unfired fire time, or null when nothing is waiting. */
  nextFireAt(): Date | null;
  /**
   * Marks the reminder fired at `at` only if nobody has, and runs `fire` in the same
   * transaction. If `fire` throws, the claim is rolled back and the error rethrown.
   */
  fireOnce(taskId: string, at: Date, fire: (r: TaskReminder) => void): FireOutcome;
  /** Undoes a claim made at `at` (an asynchronous onFire failed after the commit). */
  release(taskId: string, at: Date): void;
}

/** The table, as SQL: server/storage/migrations.ts (migration 2) creates it; there is no other path. */
export const TASK_REMINDERS_SQL = `
  CREATE TABLE IF NOT EXISTS task_reminders (
    task_id          TEXT    PRIMARY KEY,
    user_id          TEXT    NOT NULL,
    lead_id          TEXT,
    title            TEXT    NOT NULL,
    due_at           INTEGER NOT NULL,
    reminder_minutes INTEGER NOT NULL,
    fire_at          INTEGER NOT NULL,
    fired_at         INTEGER
  );
  CREATE INDEX IF NOT EXISTS task_reminders_unfired ON task_reminders (fire_at) WHERE fired_at IS NULL;
`;

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

  constructor(private readonly db: Database.Database) {
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
      claim: db.prepare(`UPDATE task_reminders SET fired_at = ? WHERE task_id = ? AND fired_at IS NULL`),
      release: db.prepare(`UPDATE task_reminders SET fired_at = NULL WHERE task_id = ? AND fired_at = ?`),
    };
  }

  upsert(input: ReminderInput): TaskReminder {
    const parsed = ReminderInput.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RangeError(
        `Invalid task reminder (${issue?.path.join('.') || 'input'}): ${issue?.message ?? 'rejected'}.`,
      );
    }
    const r = parsed.data;
    const dueAt = r.dueAt.getTime();
    this.stmt.upsert.run({ ...r, dueAt, fireAt: dueAt - r.reminderMinutes * 60_000 });
    return toReminder(this.stmt.get.get(r.taskId) as ReminderRow);
  }

  cancel(taskId: string): void {
    this.stmt.cancel.run(taskId);
  }

  due(at: Date, limit: number): TaskReminder[] {
    return (this.stmt.due.all(at.getTime(), limit) as ReminderRow[]).map(toReminder);
  }

  nextFireAt(): Date | null {
    const row = this.stmt.next.get() as { next: number | null };
    return row.next === null ? null : new Date(row.next);
  }

  fireOnce(taskId: string, at: Date, fire: (r: TaskReminder) => void): FireOutcome {
    // IMMEDIATE takes the write lock before reading, so a second process on the same file
    // waits here and then sees fired_at already set.
    return this.db
      .transaction((): FireOutcome => {
        const claimed = this.stmt.claim.run(at.getTime(), taskId).changes === 1;
        if (!claimed) return this.stmt.get.get(taskId) ? 'already-fired' : 'gone';
        fire(toReminder(this.stmt.get.get(taskId) as ReminderRow));
        return 'fired';
      })
      .immediate();
  }

  release(taskId: string, at: Date): void {
    this.stmt.release.run(taskId, at.getTime());
  }
}
