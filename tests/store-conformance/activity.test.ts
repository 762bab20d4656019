// A lead's Activity History (activities, each conversation's start and its messages, newest
// first, page by page), tasks, and a rep's nudge (Carter) settings.
import { expect, it } from 'vitest';
import type { HistoryEntry } from '../../server/storage/store';
import { forEachStore } from './stores';
import { at, inboundFrom, makeLead, makeUser, outboundTo, unique } from './fixtures';

forEachStore('activity history', (s) => {
  it('adds activities and lists a lead’s newest first, at most the limit', async () => {
    const store = s.store();
    const lead = await makeLead(store, null);
    const first = await store.addActivity({
      leadId: lead.id,
      type: 'lead.created',
      summary: 'Created',
      at: at(1),
      messageId: null,
    });
    expect(first).toEqual({
      id: first.id,
      leadId: lead.id,
      type: 'lead.created',
      summary: 'Created',
      at: at(1),
      messageId: null,
    });
    const later = await store.addActivity({
      leadId: lead.id,
      type: 'note',
      summary: 'Called',
      at: at(5),
      messageId: 'msg_1',
    });
    const middle = await store.addActivity({
      leadId: lead.id,
      type: 'note',
      summary: 'Emailed',
      at: at(3),
      messageId: null,
    });
    expect(await store.listActivity(lead.id, 10)).toEqual([later, middle, first]);
    expect(await store.listActivity(lead.id, 2)).toEqual([later, middle]);
    expect(await store.listActivity('lead_nobody', 10)).toEqual([]);
  });

  it('lists activities of one instant the later added first', async () => {
    const store = s.store();
    const lead = await makeLead(store, null);
    const a = await store.addActivity({ leadId: lead.id, type: 'note', summary: 'one', at: at(7), messageId: null });
    const b = await store.addActivity({ leadId: lead.id, type: 'note', summary: 'two', at: at(7), messageId: null });
    expect(await store.listActivity(lead.id, 10)).toEqual([b, a]);
  });

  it('merges activities, conversation starts and messages newest first, and pages by cursor', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    const created = await store.addActivity({
      leadId: lead.id,
      type: 'lead.created',
      summary: 'Created',
      at: at(1),
      messageId: null,
    });
    const { message: out } = await store.createOutbound(outboundTo(lead, rep, { at: at(2) }));
    // The conversation's start is its own entry, not this activity.
    await store.addActivity({
      leadId: lead.id,
      type: 'conversation.started',
      summary: 'Started',
      at: at(2),
      messageId: out.id,
    });
    const { message: reply } = await store.createInbound(inboundFrom(lead, { at: at(3) }));
    const note = await store.addActivity({
      leadId: lead.id,
      type: 'note',
      summary: 'Called back',
      at: at(4),
      messageId: null,
    });
    const conversationId = out.conversationId;
    const all: HistoryEntry[] = [
      { kind: 'activity', at: at(4), activity: note },
      { kind: 'message', at: at(3), message: reply },
      { kind: 'message', at: at(2), message: out },
      { kind: 'start', at: at(2), conversationId, first: out },
      { kind: 'activity', at: at(1), activity: created },
    ];
    expect(await store.activityHistory(lead.id, [conversationId], null, 10)).toEqual(all);
    const page1 = await store.activityHistory(lead.id, [conversationId], null, 2);
    expect(page1).toEqual(all.slice(0, 2));
    const page2 = await store.activityHistory(
      lead.id,
      [conversationId],
      { at: at(3), kind: 'message', id: reply.id },
      2,
    );
    expect(page2).toEqual(all.slice(2, 4));
    const page3 = await store.activityHistory(
      lead.id,
      [conversationId],
      { at: at(2), kind: 'start', id: conversationId },
      2,
    );
    expect(page3).toEqual(all.slice(4));
    expect(
      await store.activityHistory(lead.id, [conversationId], { at: at(1), kind: 'activity', id: created.id }, 2),
    ).toEqual([]);
    // Without its conversations, only the activities.
    expect(await store.activityHistory(lead.id, [], null, 10)).toEqual([all[0], all[4]]);
  });
});

forEachStore('tasks and nudge settings', (s) => {
  it('creates, reads, updates and deletes a task', async () => {
    const store = s.store();
    const [rita, sam] = [await makeUser(store), await makeUser(store)];
    const lead = await makeLead(store, rita.id);
    const externalId = unique('crm-task');
    const task = await store.createTask({
      title: 'Call back',
      leadId: lead.id,
      ownerId: rita.id,
      dueAt: at(600),
      reminderMinutes: 15,
      externalId,
    });
    expect(task).toEqual({
      id: task.id,
      title: 'Call back',
      leadId: lead.id,
      ownerId: rita.id,
      dueAt: at(600),
      reminderMinutes: 15,
      externalId,
    });
    expect(await store.getTask(task.id)).toEqual(task);
    expect(await store.taskByExternalId(externalId)).toEqual(task);
    const moved = await store.updateTask(task.id, {
      title: 'Call Maria',
      ownerId: sam.id,
      dueAt: at(900),
      reminderMinutes: 5,
    });
    expect(moved).toEqual({ ...task, title: 'Call Maria', ownerId: sam.id, dueAt: at(900), reminderMinutes: 5 });
    expect(await store.getTask(task.id)).toEqual(moved);
    expect(await store.updateTask('task_nobody', { title: 'x' })).toBeNull();
    expect(await store.deleteTask(task.id)).toBe(true);
    expect(await store.deleteTask(task.id)).toBe(false);
    expect(await store.getTask(task.id)).toBeNull();
    expect(await store.taskByExternalId(externalId)).toBeNull();
  });

  it('lists one owner’s tasks, or everyone’s, soonest due first', async () => {
    const store = s.store();
    const [rita, sam] = [await makeUser(store), await makeUser(store)];
    const late = await store.createTask({
      title: 'Later',
      leadId: null,
      ownerId: rita.id,
      dueAt: at(300),
      reminderMinutes: 0,
    });
    const soon = await store.createTask({
      title: 'Soon',
      leadId: null,
      ownerId: rita.id,
      dueAt: at(100),
      reminderMinutes: 0,
    });
    const sams = await store.createTask({
      title: 'Sam’s',
      leadId: null,
      ownerId: sam.id,
      dueAt: at(200),
      reminderMinutes: 0,
    });
    expect(late.externalId).toBeNull();
    expect(await store.listTasks(rita.id)).toEqual([soon, late]);
    const ids = new Set([late.id, soon.id, sams.id]);
    expect((await store.listTasks(null)).filter((t) => ids.has(t.id))).toEqual([soon, sams, late]);
  });

  it('keeps a rep’s nudge settings as saved, null until then', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    expect(await store.nudgeSettings(rita.id)).toBeNull();
    const settings = { sound: true, kinds: { message: true, task: false }, quietHours: { from: '22:00', to: '07:00' } };
    await store.saveNudgeSettings(rita.id, settings, at(1));
    expect(await store.nudgeSettings(rita.id)).toEqual(settings);
    await store.saveNudgeSettings(rita.id, { sound: false }, at(2));
    expect(await store.nudgeSettings(rita.id)).toEqual({ sound: false });
  });
});
