// Task reminders: a reminder fires at the task's due time minus its reminder offset. The
// schedule lives in SQLite, not in timers, so a reminder that fell due while the server was
// down is found and fired after start. "Fired" is claimed with a conditional UPDATE whose
// change count says who won, so a reminder fires once even across restarts or two schedulers
// on one database file. A synchronous onFire runs inside the claim's transaction (its writes
// commit with the claim; if it throws, both roll back). An asynchronous onFire runs after the
// claim commits; if it rejects, the claim is released for a later retry.
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
  task_id: string; user_id: string; lead_id: string | null; title: string;
  due_at: number; reminder_minutes: number; fire_at: number; fired_at: number | null;
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
      due: db.prepare(`SELECT * FROM task_reminders WHERE fired_at IS NULL AND fire_at <= ? ORDER BY fire_at, task_id LIMIT ?`),
      next: db.prepare(`SELECT MIN(fire_at) AS next FROM task_reminders WHERE fired_at IS NULL`),
      claim: db.prepare(`UPDATE task_reminders SET fired_at = ? WHERE task_id = ? AND fired_at IS NULL`),
      release: db.prepare(`UPDATE task_reminders SET fired_at = NULL WHERE task_id = ? AND fired_at = ?`),
    };
  }

  upsert(input: ReminderInput): TaskReminder {
    const parsed = ReminderInput.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RangeError(`Invalid task reminder (${issue?.path.join('.') || 'input'}): ${issue?.message ?? 'rejected'}.`);
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
    return this.db.transaction((): FireOutcome => {
      const claimed = this.stmt.claim.run(at.getTime(), taskId).changes === 1;
      if (!claimed) return this.stmt.get.get(taskId) ? 'already-fired' : 'gone';
      fire(toReminder(this.stmt.get.get(taskId) as ReminderRow));
      return 'fired';
    }).immediate();
  }

  release(taskId: string, at: Date): void {
    this.stmt.release.run(taskId, at.getTime());
  }
}

/** Time and timers, injected so tests move the clock instead of waiting. */
export interface SchedulerClock {
  now(): Date;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: SchedulerClock = {
  now: () => new Date(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface ReminderSchedulerOptions {
  store: ReminderStore;
  /**
   * Creates the nudge. Synchronous: runs inside the claim's transaction, so write the nudge
   * (its usage counter, its event-log entry) on the same connection and they commit together;
   * throwing rolls the claim back. Asynchronous (returns a promise): runs after the claim
   * commits; a rejection releases the claim. Either way a failure is retried after retryDelayMs.
   */
  onFire: (reminder: TaskReminder) => void | Promise<unknown>;
  clock?: SchedulerClock;
  /** Longest sleep between checks, so a wall-clock jump or a missed timer is noticed. */
  maxSleepMs?: number;
  /** Wait after a failed onFire before trying again. */
  retryDelayMs?: number;
  /** Reminders handled per pass, so a long outage's backlog never blocks the event loop. */
  batchSize?: number;
  /** A reminder's onFire failed (reminder given) or the store failed (null). */
  onError?: (err: unknown, reminder: TaskReminder | null) => void;
}

export interface ReminderScheduler {
  /** Fires what fell due while the server was down, then keeps a timer on the next reminder. */
  start(): void;
  stop(): void;
  /** A task was created or changed. */
  schedule(input: ReminderInput): TaskReminder;
  /** A task was completed or deleted. */
  cancel(taskId: string): void;
  /** One pass over what is due now (up to batchSize; start and timers call it). Resolves to how many fired. */
  runDue(): Promise<number>;
}

export function createReminderScheduler(opts: ReminderSchedulerOptions): ReminderScheduler {
  const clock = opts.clock ?? systemClock;
  const maxSleepMs = opts.maxSleepMs ?? 60_000;
  const retryDelayMs = opts.retryDelayMs ?? 30_000;
  const batchSize = opts.batchSize ?? 100;
  let timer: unknown = null;
  let running = false;
  // Reminders whose onFire failed: not retried before this time.
  const backoffUntil = new Map<string, number>();

  const disarm = () => {
    if (timer !== null) clock.clearTimer(timer);
    timer = null;
  };

  const arm = (delayMs?: number) => {
    disarm();
    if (!running) return;
    let wait = delayMs;
    if (wait === undefined) {
      const now = clock.now().getTime();
      const next = opts.store.nextFireAt();
      wait = next === null ? maxSleepMs : next.getTime() - now;
      if (wait <= 0) {
        // Something is due yet unfired: it is waiting out a failure's backoff.
        const pending = [...backoffUntil.values()].map((t) => t - now).filter((d) => d > 0);
        wait = pending.length ? Math.min(...pending) : 0;
      }
    }
    timer = clock.setTimer(tick, Math.min(Math.max(0, wait), maxSleepMs));
  };

  const failed = (reminder: TaskReminder, at: Date, err: unknown) => {
    backoffUntil.set(reminder.taskId, at.getTime() + retryDelayMs);
    opts.onError?.(err, reminder);
  };

  /**
   * One pass over what is due. `more`: a full batch was handled and more may wait. `settled`
   * resolves, with how many fired, once every asynchronous onFire of the pass has finished.
   */
  function pass(): { more: boolean; awaiting: boolean; settled: Promise<number> } {
    let fired = 0;
    let handled = 0;
    const inFlight: Promise<void>[] = [];
    const now = clock.now();
    const limit = batchSize + backoffUntil.size + 1;
    const waiting = opts.store.due(now, limit);
    if (waiting.length < limit) {
      // Forget failures for reminders no longer waiting (fired elsewhere, cancelled).
      const still = new Set(waiting.map((r) => r.taskId));
      for (const id of backoffUntil.keys()) if (!still.has(id)) backoffUntil.delete(id);
    }
    let more = false;
    for (const reminder of waiting) {
      const retryAt = backoffUntil.get(reminder.taskId);
      if (retryAt !== undefined && retryAt > now.getTime()) continue;
      if (handled === batchSize) { more = true; break; }
      handled++;
      let result: unknown;
      try {
        const outcome = opts.store.fireOnce(reminder.taskId, now, (r) => { result = opts.onFire(r); });
        if (outcome !== 'fired') { backoffUntil.delete(reminder.taskId); continue; }
      } catch (err) {
        failed(reminder, now, err);
        continue;
      }
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
        inFlight.push(Promise.resolve(result).then(
          () => { fired++; backoffUntil.delete(reminder.taskId); },
          (err) => {
            try { opts.store.release(reminder.taskId, now); } catch (releaseErr) { opts.onError?.(releaseErr, reminder); }
            failed(reminder, now, err);
          },
        ));
      } else {
        fired++;
        backoffUntil.delete(reminder.taskId);
      }
    }
    return { more, awaiting: inFlight.length > 0, settled: Promise.all(inFlight).then(() => fired) };
  }

  /** The store itself failed (disk full, database closed under us): a timer callback must
   * not crash the server, so report it and look again later. */
  const storeFailed = (err: unknown) => {
    opts.onError?.(err, null);
    if (running && timer === null) timer = clock.setTimer(tick, retryDelayMs);
  };

  function tick() {
    timer = null;
    if (!running) return;
    try {
      const { more, awaiting, settled } = pass();
      // A full batch may have more behind it: come back at once, through the timer so other
      // work gets a turn. With asynchronous nudges in flight, re-arm once they have settled,
      // so a failure's backoff is known.
      const rearm = () => {
        try {
          if (running && timer === null) arm(more ? 0 : undefined);
        } catch (err) {
          storeFailed(err);
        }
      };
      if (awaiting) void settled.then(rearm);
      else rearm();
    } catch (err) {
      storeFailed(err);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      tick();
    },
    stop() {
      running = false;
      disarm();
    },
    schedule(input) {
      const reminder = opts.store.upsert(input);
      backoffUntil.delete(reminder.taskId);
      if (running) arm();
      return reminder;
    },
    cancel(taskId) {
      opts.store.cancel(taskId);
      backoffUntil.delete(taskId);
      if (running) arm();
    },
    runDue: () => pass().settled,
  };
}
