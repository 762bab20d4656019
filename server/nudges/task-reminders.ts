// What firing a task reminder does: a `task` nudge to the task's owner, recorded, counted and
// appended in the same transaction as the reminder's "fired" mark (Store.fireReminder), so it
// happens once across every node. Which reminder a task has is server/domain/task-reminders.ts.
import type { Publisher } from '../domain/publisher';
import { leadName, nudgeView } from '../domain/views';
import { usageMonthOf } from '../reports/usage-month';
import type { StreamEvent } from '../../shared/stream-protocol';
import type { NudgeRecord, Store, UserRecord } from '../storage/store';
import { taskReminderNudge } from './nudge-rules';
import type { TaskReminder } from './reminder-scheduler';

/** The nudge a reminder gives its owner at `at` (lead name as they may see it, the workspace's time zone and usage month). */
async function reminderNudge(
  store: Store,
  reminder: TaskReminder,
  owner: UserRecord,
  at: Date,
): Promise<{ nudge: Omit<NudgeRecord, 'id'>; month: string }> {
  const lead = reminder.leadId ? await store.getLead(reminder.leadId) : null;
  const timeZone = await store.workspaceTimeZone();
  const draft = taskReminderNudge(reminder, { timeZone, leadName: lead ? leadName(lead, owner) : null });
  return {
    nudge: {
      userId: owner.id,
      kind: draft.kind,
      entityType: draft.entityType,
      leadId: draft.leadId,
      conversationId: draft.conversationId,
      taskId: draft.taskId,
      title: draft.title,
      body: draft.body,
      createdAt: at.toISOString(),
    },
    month: usageMonthOf(at, timeZone),
  };
}

/** A reminder with nobody to nudge appends nothing, so this is never called. */
const noEvent = (): StreamEvent => {
  throw new Error('a task reminder with nobody to nudge has no event');
};

/**
 * The scheduler's fire: nudge the owner, entity `task`, then deliver the appended event live.
 * A deactivated or removed owner has no one to nudge; the reminder only counts as handled.
 * Resolves false when another node (or an earlier run) fired it already.
 */
export function fireTaskReminder(deps: { store: Store; publisher: Publisher }) {
  return async (reminder: TaskReminder, at: Date): Promise<boolean> => {
    const owner = await deps.store.getUser(reminder.userId);
    const fire = (nudge: Parameters<Store['fireReminder']>[3], event: (rec: NudgeRecord) => StreamEvent) =>
      deps.store.fireReminder(reminder.taskId, reminder.fireAt.toISOString(), at.toISOString(), nudge, event);
    const appended = owner?.active
      ? await fire(await reminderNudge(deps.store, reminder, owner, at), (rec) => ({
          type: 'nudge',
          nudge: nudgeView(rec, owner),
        }))
      : await fire(null, noEvent);
    if (appended === null) return false;
    deps.publisher.deliver(appended);
    return true;
  };
}
