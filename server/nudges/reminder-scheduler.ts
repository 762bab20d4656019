// Task reminders: a reminder fires at the task's due time minus its reminder offset. The
// schedule lives in SQLite, not in timers, so a reminder that fell due while the server was
// down is found and fired after start. "Fired" is claimed with a conditional UPDATE whose
// change count says who won, so a reminder fires once even across restarts or two schedulers
// on one database file. A synchronous onFire runs inside the claim's transaction (its writes
// commit with the claim; if it throws, both roll back). An asynchronous onFire runs after the
// claim commits; if it rejects, the claim is released for a later retry.
import type { ReminderInput, ReminderStore, TaskReminder } from '../storage/reminders';

// The reminder rows and their SQL live in storage (it owns every statement); re-exported for the scheduler's callers.
export {
  ReminderInput,
  SqliteReminderStore,
  TASK_REMINDERS_SQL,
  type FireOutcome,
  type ReminderStore,
  type TaskReminder,
} from '../storage/reminders';

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
      if (handled === batchSize) {
        more = true;
        break;
      }
      handled++;
      let result: unknown;
      try {
        const outcome = opts.store.fireOnce(reminder.taskId, now, (r) => {
          result = opts.onFire(r);
        });
        if (outcome !== 'fired') {
          backoffUntil.delete(reminder.taskId);
          continue;
        }
      } catch (err) {
        failed(reminder, now, err);
        continue;
      }
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
        inFlight.push(
          Promise.resolve(result).then(
            () => {
              fired++;
              backoffUntil.delete(reminder.taskId);
            },
            (err) => {
              try {
                opts.store.release(reminder.taskId, now);
              } catch (releaseErr) {
                opts.onError?.(releaseErr, reminder);
              }
              failed(reminder, now, err);
            },
          ),
        );
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
