// Task reminders as rows: the task_reminders table, its SQL and the store the scheduler
// (server/nudges/reminder-scheduler.ts) reads. "Fired" is claimed with a conditional UPDATE whose
// change count says who won, in the transaction that adds the nudge (Store.fireReminder), so a
// reminder fires once even across restarts or many nodes. Storage owns every SQL statement, so
// this lives here and not beside the timer; SQLite's store is sqlite/reminders.ts.
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

/** The input checked (every store validates the same way); a RangeError names the first bad field. */
export function parseReminderInput(input: ReminderInput): z.output<typeof ReminderInput> {
  const parsed = ReminderInput.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new RangeError(`Invalid task reminder (${issue?.path.join('.') || 'input'}): ${issue?.message ?? 'rejected'}.`);
}

/** What the scheduler needs from storage. Firing is Store.fireReminder (one transaction with the nudge). */
export interface ReminderStore {
  /** Creates or reschedules a task's reminder; a reminder whose fire time moves is armed again. */
  upsert(input: ReminderInput): Promise<TaskReminder>;
  /** The task was completed or deleted: no reminder. */
  cancel(taskId: string): Promise<void>;
  /** Unfired reminders with fireAt <= at, oldest first. */
  due(at: Date, limit: number): Promise<TaskReminder[]>;
  /** The earliest unfired fire time, or null when nothing is waiting. */
  nextFireAt(): Promise<Date | null>;
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
