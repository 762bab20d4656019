// Task reminders: armed per task (moved when the task's time moves, re-armed then), swept by due
// time, and fired exactly once with their nudge and its event in one transaction.
import { expect, it } from 'vitest';
import type { TaskReminder } from '../../server/storage/reminders';
import type { Store, UserRecord } from '../../server/storage/store';
import { forEachStore } from './stores';
import { at, date, makeLead, makeUser, nudgeEvent, nudgeFor } from './fixtures';

/** A task for `owner` due `dueSecond`, reminded `minutes` before, with its reminder armed. */
async function remindedTask(store: Store, owner: UserRecord, dueSecond: number, minutes = 10) {
  const lead = await makeLead(store, owner.id);
  const task = await store.createTask({
    title: 'Call back',
    leadId: lead.id,
    ownerId: owner.id,
    dueAt: at(dueSecond),
    reminderMinutes: minutes,
  });
  const reminder = await store.reminders.upsert({
    taskId: task.id,
    userId: owner.id,
    leadId: lead.id,
    title: task.title,
    dueAt: date(dueSecond),
    reminderMinutes: minutes,
  });
  return { task, lead, reminder };
}

const taskIds = (list: TaskReminder[]) => list.map((r) => r.taskId);

/** The nudge a fired reminder stores for its owner. */
const taskNudge = (owner: UserRecord, taskId: string) => ({
  nudge: nudgeFor(owner.id, {
    kind: 'task',
    entityType: 'task',
    taskId,
    title: 'Call back',
    body: 'Due in 10 minutes',
    createdAt: at(5),
  }),
  month: '2030-03',
});

forEachStore('task reminders', (s) => {
  it('arms a reminder at its due time less its minutes', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    const { task, lead, reminder } = await remindedTask(store, rita, 3600, 15);
    expect(reminder).toEqual({
      taskId: task.id,
      userId: rita.id,
      leadId: lead.id,
      title: 'Call back',
      dueAt: date(3600),
      reminderMinutes: 15,
      fireAt: date(3600 - 15 * 60),
      firedAt: null,
    });
  });

  it('refuses a reminder with bad input, naming the field', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    await expect(
      store.reminders.upsert({ taskId: 'task_x', userId: rita.id, title: 'x', dueAt: date(0), reminderMinutes: -1 }),
    ).rejects.toThrow(/Invalid task reminder \(reminderMinutes\)/);
  });

  it('sweeps due reminders oldest first, up to the limit, and knows the next fire time', async () => {
    const store = await s.freshStore();
    const rita = await makeUser(store);
    expect(await store.reminders.nextFireAt()).toBeNull();
    const late = await remindedTask(store, rita, 1200, 0);
    const early = await remindedTask(store, rita, 600, 0);
    const later = await remindedTask(store, rita, 1800, 0);
    expect(await store.reminders.nextFireAt()).toEqual(date(600));
    expect(await store.reminders.due(date(599), 10)).toEqual([]);
    expect(await store.reminders.due(date(1200), 10)).toEqual([early.reminder, late.reminder]);
    expect(taskIds(await store.reminders.due(date(9999), 2))).toEqual([early.task.id, late.task.id]);
    await store.reminders.cancel(early.task.id);
    expect(await store.reminders.nextFireAt()).toEqual(date(1200));
    expect(taskIds(await store.reminders.due(date(9999), 10))).toEqual([late.task.id, later.task.id]);
  });

  it('fires a reminder once: the nudge, its event and the mark in one go', async () => {
    const store = await s.freshStore();
    const rita = await makeUser(store);
    const { task, reminder } = await remindedTask(store, rita, 600);
    const fireAt = reminder.fireAt.toISOString();
    const events = await store.fireReminder(task.id, fireAt, at(5), taskNudge(rita, task.id), nudgeEvent);
    const [nudge] = await store.listNudges(rita.id, 10);
    expect(nudge).toEqual({ id: nudge.id, ...taskNudge(rita, task.id).nudge });
    expect(events).toEqual([{ userId: rita.id, seq: 1, at: at(5), event: nudgeEvent(nudge) }]);
    expect(await store.eventsAfter(rita.id, 0, 10)).toEqual([{ seq: 1, at: at(5), event: nudgeEvent(nudge) }]);
    expect(await store.countNudges(['2030-03'], rita.id)).toEqual([{ month: '2030-03', entityType: 'task', count: 1 }]);
    expect(await store.reminders.due(date(9999), 10)).toEqual([]);
    expect(await store.reminders.nextFireAt()).toBeNull();
    expect(await store.fireReminder(task.id, fireAt, at(6), taskNudge(rita, task.id), nudgeEvent)).toBeNull();
    expect(await store.listNudges(rita.id, 10)).toHaveLength(1);
    expect(await store.headSeq(rita.id)).toBe(1);
  });

  it('fires a reminder once when two nodes fire it at the same moment', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    const { task, reminder } = await remindedTask(store, rita, 600);
    const fire = () =>
      store.fireReminder(task.id, reminder.fireAt.toISOString(), at(5), taskNudge(rita, task.id), nudgeEvent);
    const results = await Promise.all([fire(), fire(), fire()]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await store.listNudges(rita.id, 10)).toHaveLength(1);
    expect(await store.headSeq(rita.id)).toBe(1);
  });

  it('marks a reminder handled with nobody to nudge', async () => {
    const store = await s.freshStore();
    const rita = await makeUser(store);
    const { task, reminder } = await remindedTask(store, rita, 600);
    const fireAt = reminder.fireAt.toISOString();
    expect(await store.fireReminder(task.id, fireAt, at(5), null, nudgeEvent)).toEqual([]);
    expect(await store.reminders.due(date(9999), 10)).toEqual([]);
    expect(await store.listNudges(rita.id, 10)).toEqual([]);
    expect(await store.headSeq(rita.id)).toBe(0);
    expect(await store.fireReminder(task.id, fireAt, at(6), null, nudgeEvent)).toBeNull();
  });

  it('does not fire a reminder that moved or is gone; a moved one is armed again at its new time', async () => {
    const store = await s.freshStore();
    const rita = await makeUser(store);
    const { task, lead, reminder } = await remindedTask(store, rita, 600);
    const oldFireAt = reminder.fireAt.toISOString();
    await store.fireReminder(task.id, oldFireAt, at(5), null, nudgeEvent);
    // The same time again keeps it fired; a new time arms it again.
    const input = {
      taskId: task.id,
      userId: rita.id,
      leadId: lead.id,
      title: task.title,
      dueAt: date(600),
      reminderMinutes: 10,
    };
    expect((await store.reminders.upsert(input)).firedAt).toEqual(date(5));
    const moved = await store.reminders.upsert({ ...input, dueAt: date(1200) });
    expect(moved).toEqual({ ...reminder, dueAt: date(1200), fireAt: date(600), firedAt: null });
    expect(await store.fireReminder(task.id, oldFireAt, at(6), taskNudge(rita, task.id), nudgeEvent)).toBeNull();
    expect(await store.reminders.due(date(9999), 10)).toEqual([moved]);
    await store.reminders.cancel(task.id);
    expect(
      await store.fireReminder(task.id, moved.fireAt.toISOString(), at(7), taskNudge(rita, task.id), nudgeEvent),
    ).toBeNull();
    expect(await store.fireReminder('task_nobody', oldFireAt, at(7), null, nudgeEvent)).toBeNull();
    expect(await store.listNudges(rita.id, 10)).toEqual([]);
  });
});
