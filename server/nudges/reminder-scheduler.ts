// Task reminders: a reminder fires at the task's due time minus its reminder offset. The
// schedule lives in the database, not in timers, so a reminder that fell due while the server was
// down is found and fired after start. Firing is one transaction in the store (Store.fireReminder:
// the "fired" claim, the nudge, its usage count and its event together), so a reminder fires once
// even across restarts or many nodes sweeping one database; a failure before the commit leaves it
// due, and it is tried again after retryDelayMs.
import type { ReminderInput, ReminderStore, TaskReminder } from '../storage/reminders';

// The reminder rows live in storage (it owns every statement); their types are re-exported for the scheduler's callers.
export { ReminderInput, type ReminderStore, type TaskReminder } from '../storage/reminders';

/** Time and timers, injected so tests move the clock instead of waiting. */
export interface SchedulerClock {
  now(): Date;
  /** `fn` resolves when the timer's work is done (a test clock awaits it; real timers do not). */
  setTimer(fn: () => Promise<void>, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: SchedulerClock = {
  now: () => new Date(),
  setTimer: (fn, ms) => {
    const t = setTimeout(() => void fn(), ms);
    t.unref?.();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface ReminderSchedulerOptions {
  store: ReminderStore;
  /**
   * Fires one due reminder at `at`, exactly once (Store.fireReminder). Resolves true when this call
   * fired it, false when it was fired already (another node, an earlier run) or is gone. A
   * rejection leaves the reminder due: it is reported and tried again after retryDelayMs.
   */
  fire: (reminder: TaskReminder, at: Date) => Promise<boolean>;
  clock?: SchedulerClock;
  /** Longest sleep between checks, so a wall-clock jump, a missed timer or another node's new task is noticed. */
  maxSleepMs?: number;
  /** Wait after a failed fire before trying again. */
  retryDelayMs?: number;
  /** Reminders handled per pass, so a long outage's backlog never blocks the event loop. */
  batchSize?: number;
  /** A reminder's fire failed (reminder given) or the store failed (null). */
  onError?: (err: unknown, reminder: TaskReminder | null) => void;
}

export interface ReminderScheduler {
  /** Fires what fell due while the server was down (resolves after that pass), then keeps a timer on the next reminder. */
  start(): Promise<void>;
  /** No more timers; resolves once a pass under way has finished. */
  stop(): Promise<void>;
  /** A task was created or changed. */
  schedule(input: ReminderInput): Promise<TaskReminder>;
  /** A task was completed or deleted. */
  cancel(taskId: string): Promise<void>;
  /** One pass over what is due now (up to batchSize; start and timers call it). Resolves to how many fired. */
  runDue(): Promise<number>;
}

export function createReminderScheduler(opts: ReminderSchedulerOptions): ReminderScheduler {
  const clock = opts.clock ?? systemClock;
  const maxSleepMs = opts.maxSleepMs ?? 60_000;
  const retryDelayMs = opts.retryDelayMs ?? 30_000;
  let timer: unknown = null;
  let running = false;
  // Reminders whose fire failed: not retried before this time.
  const backoffUntil = new Map<string, number>();
  // One pass at a time: a timer's pass and runDue() never overlap.
  let passes: Promise<unknown> = Promise.resolve();

  const disarm = () => {
    if (timer !== null) clock.clearTimer(timer);
    timer = null;
  };

  /** Until the next reminder, or until the soonest backoff ends when something due is waiting one out. */
  async function waitFor(): Promise<number> {
    const next = await opts.store.nextFireAt();
    const now = clock.now().getTime();
    const wait = next === null ? maxSleepMs : next.getTime() - now;
    if (wait > 0) return wait;
    const pending = [...backoffUntil.values()].map((t) => t - now).filter((d) => d > 0);
    return pending.length ? Math.min(...pending) : 0;
  }

  async function arm(delayMs?: number) {
    if (!running) return;
    const wait = delayMs ?? (await waitFor());
    if (!running) return;
    // The last arm wins: arms that raced each other leave one timer.
    disarm();
    timer = clock.setTimer(tick, Math.min(Math.max(0, wait), maxSleepMs));
  }

  /** The store itself failed (disk full, database closed under us): a timer callback must
   * not crash the server, so report it and look again later. */
  const storeFailed = (err: unknown) => {
    opts.onError?.(err, null);
    if (!running) return;
    disarm();
    timer = clock.setTimer(tick, retryDelayMs);
  };

  async function fireOne(reminder: TaskReminder, now: Date): Promise<boolean> {
    try {
      const fired = await opts.fire(reminder, now);
      backoffUntil.delete(reminder.taskId);
      return fired;
    } catch (err) {
      backoffUntil.set(reminder.taskId, now.getTime() + retryDelayMs);
      opts.onError?.(err, reminder);
      return false;
    }
  }

  /** One pass over what is due. `more`: a full batch was handled and more may wait. */
  async function pass(): Promise<{ fired: number; more: boolean }> {
    const batchSize = opts.batchSize ?? 100;
    const now = clock.now();
    const limit = batchSize + backoffUntil.size + 1;
    const waiting = await opts.store.due(now, limit);
    if (waiting.length < limit) {
      // Forget failures for reminders no longer waiting (fired elsewhere, cancelled).
      const still = new Set(waiting.map((r) => r.taskId));
      for (const id of backoffUntil.keys()) if (!still.has(id)) backoffUntil.delete(id);
    }
    const ready = waiting.filter((r) => (backoffUntil.get(r.taskId) ?? 0) <= now.getTime());
    let fired = 0;
    for (const reminder of ready.slice(0, batchSize)) if (await fireOne(reminder, now)) fired++;
    return { fired, more: ready.length > batchSize };
  }

  const onePass = () => {
    const p = passes.then(pass);
    passes = p.catch(() => undefined);
    return p;
  };

  async function tick() {
    timer = null;
    if (!running) return;
    try {
      // A full batch may have more behind it: come back at once, through the timer so other work gets a turn.
      const { more } = await onePass();
      await arm(more ? 0 : undefined);
    } catch (err) {
      storeFailed(err);
    }
  }

  return {
    async start() {
      if (running) return;
      running = true;
      await tick();
    },
    async stop() {
      running = false;
      disarm();
      await passes;
    },
    async schedule(input) {
      const reminder = await opts.store.upsert(input);
      backoffUntil.delete(reminder.taskId);
      await arm().catch(storeFailed);
      return reminder;
    },
    async cancel(taskId) {
      await opts.store.cancel(taskId);
      backoffUntil.delete(taskId);
      await arm().catch(storeFailed);
    },
    runDue: async () => (await onePass()).fired,
  };
}
