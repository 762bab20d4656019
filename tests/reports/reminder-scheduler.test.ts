// The task-reminder scheduler over the real SQLite store: reminders fire at their time, once,
// across restarts and across two schedulers (two nodes) on one database file; a fire that fails
// leaves the reminder due (nothing of it committed) and is tried again after the backoff.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../server/storage/sqlite';
import type { NudgeRecord } from '../../server/storage/store';
import { nudgeView } from '../../server/domain/views';
import type { StreamEvent } from '../../shared/stream-protocol';
import {
  createReminderScheduler,
  type ReminderStore,
  type SchedulerClock,
  type TaskReminder,
} from '../../server/nudges/reminder-scheduler';

/** A clock whose time moves only when the test says so; timers run in time order, each awaited. */
class FakeClock implements SchedulerClock {
  private timers = new Map<number, { at: number; fn: () => Promise<void> }>();
  private nextId = 1;
  constructor(public ms: number) {}
  now = () => new Date(this.ms);
  setTimer = (fn: () => Promise<void>, delay: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.ms + delay, fn });
    return id;
  };
  clearTimer = (h: unknown) => {
    this.timers.delete(h as number);
  };
  get pending() {
    return this.timers.size;
  }
  /** Moves time forward, running (and awaiting) every timer that falls due on the way. */
  async advance(ms: number) {
    const target = this.ms + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      const next = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > target) break;
      this.timers.delete(next[0]);
      this.ms = Math.max(this.ms, next[1].at);
      await next[1].fn();
    }
    this.ms = target;
  }
}

const T0 = Date.parse('2026-03-10T09:00:00Z');
const MIN = 60_000;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dbFile() {
  const dir = mkdtempSync(join(tmpdir(), 'reminders-'));
  dirs.push(dir);
  return join(dir, 'server.db');
}

const noEvent = (): StreamEvent => {
  throw new Error('no nudge, no event');
};

/** One "server run" (one node): a store on the file, a scheduler firing with no one to nudge, and what it fired. */
function serverRun(file: string, clock: FakeClock, reminders?: (real: ReminderStore) => ReminderStore) {
  const store = new SqliteStore(file);
  const fired: { taskId: string; fireAt: string; at: string }[] = [];
  const errors: unknown[] = [];
  const scheduler = createReminderScheduler({
    store: reminders ? reminders(store.reminders) : store.reminders,
    clock,
    fire: async (r: TaskReminder, at: Date) => {
      const appended = await store.fireReminder(r.taskId, r.fireAt.toISOString(), at.toISOString(), null, noEvent);
      if (appended) fired.push({ taskId: r.taskId, fireAt: r.fireAt.toISOString(), at: at.toISOString() });
      return appended !== null;
    },
    onError: (err) => errors.push(err),
    retryDelayMs: 30_000,
  });
  return {
    store,
    scheduler,
    fired,
    errors,
    async stop() {
      await scheduler.stop();
      await store.close();
    },
  };
}

const task = (over: Partial<{ taskId: string; userId: string; dueAt: Date; reminderMinutes: number }> = {}) => ({
  taskId: 'task-1',
  userId: 'rita',
  leadId: null,
  title: 'Call Maria back',
  dueAt: new Date(T0 + 60 * MIN),
  reminderMinutes: 15,
  ...over,
});

describe('task reminder scheduler', () => {
  it('fires at the due time minus the reminder offset, once', async () => {
    const clock = new FakeClock(T0);
    const run = serverRun(dbFile(), clock);
    await run.scheduler.start();
    await run.scheduler.schedule(task());
    await clock.advance(45 * MIN - 1);
    expect(run.fired).toHaveLength(0);
    await clock.advance(1);
    expect(run.fired.map((r) => [r.taskId, r.fireAt])).toEqual([['task-1', '2026-03-10T09:45:00.000Z']]);
    await clock.advance(24 * 60 * MIN);
    expect(run.fired).toHaveLength(1);
    await run.stop();
  });

  it('fires a reminder that fell due while the server was down exactly once, across two restarts', async () => {
    const file = dbFile();
    const first = serverRun(file, new FakeClock(T0));
    await first.scheduler.start();
    await first.scheduler.schedule(task()); // fires at 09:45
    await first.stop(); // the server goes down at 09:00 and stays down past 09:45

    const secondClock = new FakeClock(T0 + 3 * 60 * MIN); // back up at 12:00
    const second = serverRun(file, secondClock);
    await second.scheduler.start();
    expect(second.fired.map((r) => [r.taskId, r.at])).toEqual([['task-1', '2026-03-10T12:00:00.000Z']]);
    await secondClock.advance(10 * MIN);
    expect(second.fired).toHaveLength(1);
    await second.stop();

    const thirdClock = new FakeClock(T0 + 4 * 60 * MIN);
    const third = serverRun(file, thirdClock);
    await third.scheduler.start();
    await thirdClock.advance(60 * MIN);
    expect(third.fired).toHaveLength(0);
    await third.stop();
  });

  it('lets two schedulers on one database file (two nodes) fire each reminder once', async () => {
    const file = dbFile();
    const setup = serverRun(file, new FakeClock(T0));
    for (let i = 0; i < 20; i++)
      await setup.scheduler.schedule(task({ taskId: `task-${i}`, dueAt: new Date(T0 + i * MIN), reminderMinutes: 0 }));
    await setup.stop();
    const clock = new FakeClock(T0 + 2 * 60 * MIN);
    const a = serverRun(file, clock);
    const b = serverRun(file, clock);
    // Both read the same backlog and fire it at the same time.
    const [byA, byB] = await Promise.all([a.scheduler.runDue(), b.scheduler.runDue()]);
    expect(byA + byB).toBe(20);
    const all = [...a.fired, ...b.fired].map((r) => r.taskId);
    expect(new Set(all).size).toBe(20);
    expect(all).toHaveLength(20);
    // A node that read the backlog before the other fired it loses every claim.
    expect(await a.scheduler.runDue()).toBe(0);
    expect(await b.scheduler.runDue()).toBe(0);
    await a.stop();
    await b.stop();
  });

  it('commits nothing of a fire that fails (no nudge, still due) and fires once on the retry', async () => {
    const clock = new FakeClock(T0);
    const store = new SqliteStore(dbFile());
    const rita = await store.createUser({ email: 'rita@x.test', name: 'Rita', role: 'sales', passwordHash: 'x' });
    let failures = 1;
    const errors: unknown[] = [];
    const scheduler = createReminderScheduler({
      store: store.reminders,
      clock,
      retryDelayMs: 30_000,
      onError: (err) => errors.push(err),
      // The event is built inside the firing transaction: a throw there rolls back the claim and the nudge.
      fire: async (r, at) => {
        const nudge: Omit<NudgeRecord, 'id'> = {
          userId: rita.id,
          kind: 'task',
          entityType: 'task',
          leadId: null,
          conversationId: null,
          taskId: r.taskId,
          title: 'Task due',
          body: r.title,
          createdAt: at.toISOString(),
        };
        const appended = await store.fireReminder(
          r.taskId,
          r.fireAt.toISOString(),
          at.toISOString(),
          { nudge, month: '2026-03' },
          (rec) => {
            if (failures-- > 0) throw new Error('event log unavailable');
            return { type: 'nudge', nudge: nudgeView(rec, rita) };
          },
        );
        return appended !== null;
      },
    });
    await scheduler.start();
    await scheduler.schedule(task({ userId: rita.id, reminderMinutes: 60 })); // due now: fires on the next timer turn
    await clock.advance(0);
    expect(errors).toHaveLength(1);
    expect(await store.listNudges(rita.id, 10)).toHaveLength(0);
    expect(await store.reminders.due(clock.now(), 10)).toHaveLength(1);
    await clock.advance(29_999);
    expect(await store.listNudges(rita.id, 10)).toHaveLength(0);
    await clock.advance(1);
    expect((await store.listNudges(rita.id, 10)).map((n) => n.taskId)).toEqual(['task-1']);
    await clock.advance(60 * MIN);
    expect(await store.listNudges(rita.id, 10)).toHaveLength(1);
    expect(await store.headSeq(rita.id)).toBe(1);
    await scheduler.stop();
    await store.close();
  });

  it('re-arms a rescheduled task, keeps a fired one fired when nothing moved, and forgets a cancelled one', async () => {
    const clock = new FakeClock(T0);
    const run = serverRun(dbFile(), clock);
    await run.scheduler.start();
    await run.scheduler.schedule(task({ reminderMinutes: 0 }));
    await run.scheduler.schedule(task({ taskId: 'task-done', reminderMinutes: 0 }));
    await run.scheduler.cancel('task-done');
    await clock.advance(60 * MIN);
    expect(run.fired.map((r) => r.taskId)).toEqual(['task-1']);
    await run.scheduler.schedule(task({ reminderMinutes: 0 })); // the same event again
    await clock.advance(60 * MIN);
    expect(run.fired).toHaveLength(1);
    await run.scheduler.schedule(task({ dueAt: new Date(T0 + 180 * MIN), reminderMinutes: 0 })); // moved to 12:00
    await clock.advance(60 * MIN);
    expect(run.fired.map((r) => r.fireAt)).toEqual(['2026-03-10T10:00:00.000Z', '2026-03-10T12:00:00.000Z']);
    await run.stop();
  });

  it('works through a large backlog in batches, each reminder once', async () => {
    const file = dbFile();
    const setup = serverRun(file, new FakeClock(T0));
    for (let i = 0; i < 250; i++)
      await setup.scheduler.schedule(task({ taskId: `t${i}`, dueAt: new Date(T0 + i * MIN), reminderMinutes: 0 }));
    await setup.stop();
    const clock = new FakeClock(T0 + 24 * 60 * MIN);
    const run = serverRun(file, clock);
    await run.scheduler.start();
    expect(run.fired).toHaveLength(100); // the first batch, then the rest through the timer
    await clock.advance(0);
    expect(new Set(run.fired.map((r) => r.taskId)).size).toBe(250);
    expect(run.fired).toHaveLength(250);
    await run.stop();
    expect(clock.pending).toBe(0);
  });

  it('refuses an invalid reminder with a clear error', async () => {
    const run = serverRun(dbFile(), new FakeClock(T0));
    await expect(run.scheduler.schedule(task({ reminderMinutes: -5 }))).rejects.toThrow(/reminderMinutes/);
    await expect(run.scheduler.schedule(task({ dueAt: new Date('soon') }))).rejects.toThrow(/valid date/);
    await run.stop();
  });
});

describe('task reminder scheduler when storage fails', () => {
  it('reports the failure and tries again later instead of crashing the server', async () => {
    const clock = new FakeClock(T0);
    let broken = true;
    const run = serverRun(dbFile(), clock, (real) => ({
      upsert: (i) => real.upsert(i),
      cancel: (id) => real.cancel(id),
      due: async (at, limit) => {
        if (broken) throw new Error('disk I/O error');
        return real.due(at, limit);
      },
      nextFireAt: () => real.nextFireAt(),
    }));
    await run.store.reminders.upsert(task({ reminderMinutes: 60 }));
    await run.scheduler.start();
    expect(run.errors).toHaveLength(1);
    broken = false;
    await clock.advance(30_000);
    expect(run.fired.map((r) => r.taskId)).toEqual(['task-1']);
    await run.stop();
  });

  it('resolves runDue with how many fired', async () => {
    const run = serverRun(dbFile(), new FakeClock(T0));
    await run.store.reminders.upsert(task({ reminderMinutes: 60 }));
    await run.store.reminders.upsert(task({ taskId: 'task-2', reminderMinutes: 60 }));
    await expect(run.scheduler.runDue()).resolves.toBe(2);
    await expect(run.scheduler.runDue()).resolves.toBe(0);
    await run.stop();
  });
});
