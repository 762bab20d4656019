import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../server/storage/sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../support/eventually';
import {
  createReminderScheduler,
  SqliteReminderStore,
  type SchedulerClock,
  type TaskReminder,
} from '../../server/nudges/reminder-scheduler';

/** A clock whose time moves only when the test says so; timers run in time order. */
class FakeClock implements SchedulerClock {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  constructor(public ms: number) {}
  now = () => new Date(this.ms);
  setTimer = (fn: () => void, delay: number) => {
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
  /** Moves time forward, running every timer that falls due on the way. */
  advance(ms: number) {
    const target = this.ms + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      const next = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > target) break;
      this.timers.delete(next[0]);
      this.ms = Math.max(this.ms, next[1].at);
      next[1].fn();
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

/** One "server run": a connection to the file, a store, a scheduler, and what it fired. */
function serverRun(file: string, clock: FakeClock, onFire?: (r: TaskReminder, db: Database.Database) => void) {
  // The server's own schema: its migration list creates task_reminders.
  const db = openDatabase(file);
  const fired: TaskReminder[] = [];
  const errors: unknown[] = [];
  const scheduler = createReminderScheduler({
    store: new SqliteReminderStore(db),
    clock,
    onFire: (r) => {
      onFire?.(r, db);
      fired.push(r);
    },
    onError: (err) => errors.push(err),
    retryDelayMs: 30_000,
  });
  return {
    db,
    scheduler,
    fired,
    errors,
    stop() {
      scheduler.stop();
      db.close();
    },
  };
}

const task = (over: Partial<{ taskId: string; dueAt: Date; reminderMinutes: number }> = {}) => ({
  taskId: 'task-1',
  userId: 'rita',
  leadId: 'lead-maria',
  title: 'Call Maria back',
  dueAt: new Date(T0 + 60 * MIN),
  reminderMinutes: 15,
  ...over,
});

describe('task reminder scheduler', () => {
  it('fires at the due time minus the reminder offset, once', () => {
    const clock = new FakeClock(T0);
    const run = serverRun(':memory:', clock);
    run.scheduler.start();
    run.scheduler.schedule(task());
    clock.advance(45 * MIN - 1);
    expect(run.fired).toHaveLength(0);
    clock.advance(1);
    expect(run.fired.map((r) => [r.taskId, r.fireAt.toISOString()])).toEqual([['task-1', '2026-03-10T09:45:00.000Z']]);
    clock.advance(24 * 60 * MIN);
    expect(run.fired).toHaveLength(1);
    run.stop();
  });

  it('fires a reminder that fell due while the server was down exactly once, across two restarts', () => {
    const file = dbFile();
    const first = serverRun(file, new FakeClock(T0));
    first.scheduler.start();
    first.scheduler.schedule(task()); // fires at 09:45
    first.stop(); // the server goes down at 09:00 and stays down past 09:45

    const secondClock = new FakeClock(T0 + 3 * 60 * MIN); // back up at 12:00
    const second = serverRun(file, secondClock);
    second.scheduler.start();
    expect(second.fired.map((r) => r.taskId)).toEqual(['task-1']);
    expect(second.fired[0].firedAt?.toISOString()).toBe('2026-03-10T12:00:00.000Z');
    secondClock.advance(10 * MIN);
    expect(second.fired).toHaveLength(1);
    second.stop();

    const thirdClock = new FakeClock(T0 + 4 * 60 * MIN);
    const third = serverRun(file, thirdClock);
    third.scheduler.start();
    thirdClock.advance(60 * MIN);
    expect(third.fired).toHaveLength(0);
    third.stop();
  });

  it('lets only one of two schedulers on the same database file fire a reminder', () => {
    const file = dbFile();
    const setup = serverRun(file, new FakeClock(T0));
    setup.scheduler.schedule(task());
    setup.scheduler.schedule(task({ taskId: 'task-2', reminderMinutes: 0 }));
    setup.stop();
    const clock = new FakeClock(T0 + 2 * 60 * MIN);
    const a = serverRun(file, clock);
    const b = serverRun(file, clock);
    // b reads the backlog before a claims it, so b's claim is the one that must lose.
    const store = new SqliteReminderStore(b.db);
    const seenByB = store.due(clock.now(), 10);
    a.scheduler.start();
    const outcomes = seenByB.map((r) =>
      store.fireOnce(r.taskId, clock.now(), () => {
        throw new Error('must not run');
      }),
    );
    expect(outcomes).toEqual(['already-fired', 'already-fired']);
    b.scheduler.start();
    expect([...a.fired, ...b.fired].map((r) => r.taskId).sort()).toEqual(['task-1', 'task-2']);
    a.stop();
    b.stop();
  });

  it('rolls the claim back with the nudge when onFire fails, and fires on the retry', () => {
    const clock = new FakeClock(T0);
    let failures = 1;
    const run = serverRun(':memory:', clock, (r, db) => {
      db.prepare('INSERT INTO fired_nudges (task_id) VALUES (?)').run(r.taskId);
      if (failures-- > 0) throw new Error('notifier exploded');
    });
    run.db.exec('CREATE TABLE fired_nudges (task_id TEXT NOT NULL)');
    run.scheduler.start();
    run.scheduler.schedule(task({ reminderMinutes: 60 })); // due now: fires on the next timer turn
    clock.advance(0);
    expect(run.fired).toHaveLength(0);
    expect(run.errors).toHaveLength(1);
    expect(run.db.prepare('SELECT COUNT(*) AS n FROM fired_nudges').get()).toEqual({ n: 0 });
    expect(new SqliteReminderStore(run.db).due(clock.now(), 10)).toHaveLength(1);
    clock.advance(29_999);
    expect(run.fired).toHaveLength(0);
    clock.advance(1);
    expect(run.fired).toHaveLength(1);
    expect(run.db.prepare('SELECT COUNT(*) AS n FROM fired_nudges').get()).toEqual({ n: 1 });
    clock.advance(60 * MIN);
    expect(run.fired).toHaveLength(1);
    run.stop();
  });

  it('re-arms a rescheduled task, keeps a fired one fired when nothing moved, and forgets a cancelled one', () => {
    const clock = new FakeClock(T0);
    const run = serverRun(':memory:', clock);
    run.scheduler.start();
    run.scheduler.schedule(task({ reminderMinutes: 0 }));
    run.scheduler.schedule(task({ taskId: 'task-done', reminderMinutes: 0 }));
    run.scheduler.cancel('task-done');
    clock.advance(60 * MIN);
    expect(run.fired.map((r) => r.taskId)).toEqual(['task-1']);
    run.scheduler.schedule(task({ reminderMinutes: 0 })); // the same event again
    clock.advance(60 * MIN);
    expect(run.fired).toHaveLength(1);
    run.scheduler.schedule(task({ dueAt: new Date(T0 + 180 * MIN), reminderMinutes: 0 })); // moved to 12:00
    clock.advance(60 * MIN);
    expect(run.fired.map((r) => r.dueAt.toISOString())).toEqual([
      '2026-03-10T10:00:00.000Z',
      '2026-03-10T12:00:00.000Z',
    ]);
    run.stop();
  });

  it('works through a large backlog in batches, each reminder once', () => {
    const file = dbFile();
    const setup = serverRun(file, new FakeClock(T0));
    for (let i = 0; i < 250; i++)
      setup.scheduler.schedule(task({ taskId: `t${i}`, dueAt: new Date(T0 + i * MIN), reminderMinutes: 0 }));
    setup.stop();
    const clock = new FakeClock(T0 + 24 * 60 * MIN);
    const run = serverRun(file, clock);
    run.scheduler.start();
    expect(run.fired).toHaveLength(100); // the first batch, then the rest through the timer
    clock.advance(0);
    expect(new Set(run.fired.map((r) => r.taskId)).size).toBe(250);
    expect(run.fired).toHaveLength(250);
    run.stop();
    expect(clock.pending).toBe(0);
  });

  it('refuses an invalid reminder with a clear error', () => {
    const run = serverRun(':memory:', new FakeClock(T0));
    expect(() => run.scheduler.schedule(task({ reminderMinutes: -5 }))).toThrow(/reminderMinutes/);
    expect(() => run.scheduler.schedule(task({ dueAt: new Date('soon') }))).toThrow(/valid date/);
    run.stop();
  });
});

describe('task reminder scheduler when storage fails', () => {
  it('reports the failure and tries again later instead of crashing the server', () => {
    const clock = new FakeClock(T0);
    const db = openDatabase(':memory:');
    const real = new SqliteReminderStore(db);
    let broken = true;
    const errors: unknown[] = [];
    const fired: string[] = [];
    const scheduler = createReminderScheduler({
      store: {
        upsert: (i) => real.upsert(i),
        cancel: (id) => real.cancel(id),
        due: (at, limit) => {
          if (broken) throw new Error('disk I/O error');
          return real.due(at, limit);
        },
        nextFireAt: () => real.nextFireAt(),
        fireOnce: (id, at, fire) => real.fireOnce(id, at, fire),
        release: (id, at) => real.release(id, at),
      },
      clock,
      onFire: (r) => {
        fired.push(r.taskId);
      },
      onError: (err) => errors.push(err),
      retryDelayMs: 30_000,
    });
    real.upsert(task({ reminderMinutes: 60 }));
    scheduler.start();
    expect(errors).toHaveLength(1);
    broken = false;
    clock.advance(30_000);
    expect(fired).toEqual(['task-1']);
    scheduler.stop();
    db.close();
  });
});

describe('task reminder scheduler with an asynchronous onFire (the server publishes nudges with await)', () => {
  // The asynchronous onFire yields a macrotask, as the server's await of the event log does.
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('releases the claim when the nudge fails, retries, and then fires once across a restart', async () => {
    const file = dbFile();
    const clock = new FakeClock(T0);
    const db = openDatabase(file);
    const store = new SqliteReminderStore(db);
    const published: string[] = [];
    const errors: unknown[] = [];
    let fail = true;
    const scheduler = createReminderScheduler({
      store,
      clock,
      retryDelayMs: 30_000,
      onFire: async (r) => {
        await flush();
        if (fail) throw new Error('event log unavailable');
        published.push(r.taskId);
      },
      onError: (err) => errors.push(err),
    });
    scheduler.start();
    scheduler.schedule(task({ reminderMinutes: 60 })); // due now
    clock.advance(0);
    await until(() => errors.length > 0, { what: 'the failed nudge reported' });
    expect(errors).toHaveLength(1);
    expect(store.due(clock.now(), 10).map((r) => r.taskId)).toEqual(['task-1']); // claim released
    fail = false;
    clock.advance(30_000);
    await until(() => published.length > 0, { what: 'the retried nudge published' });
    expect(published).toEqual(['task-1']);
    clock.advance(60 * MIN);
    // A pass resolves once every onFire it started has finished: nothing is due any more.
    await expect(scheduler.runDue()).resolves.toBe(0);
    expect(published).toEqual(['task-1']);
    scheduler.stop();
    db.close();

    const again = serverRun(file, new FakeClock(T0 + 3 * 60 * MIN));
    again.scheduler.start();
    expect(again.fired).toHaveLength(0);
    again.stop();
  });

  it('resolves runDue with how many fired', async () => {
    const clock = new FakeClock(T0);
    const db = openDatabase(':memory:');
    const store = new SqliteReminderStore(db);
    const scheduler = createReminderScheduler({
      store,
      clock,
      onFire: async () => {
        await flush();
      },
    });
    store.upsert(task({ reminderMinutes: 60 }));
    store.upsert(task({ taskId: 'task-2', reminderMinutes: 60 }));
    await expect(scheduler.runDue()).resolves.toBe(2);
    await expect(scheduler.runDue()).resolves.toBe(0);
    db.close();
  });
});
