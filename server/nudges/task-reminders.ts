// Tasks and their reminders, joined in one place: which reminder a task has, and what firing
// one does (a `task` nudge to the task's owner, recorded and counted like every nudge).
import type { Publisher } from '../domain/publisher';
import { leadName } from '../domain/views';
import type { Store, TaskRecord } from '../storage/store';
import { taskReminderNudge } from './nudge-rules';
import type { ReminderInput, TaskReminder } from './reminder-scheduler';

/** What task changes need: the running scheduler (re-arms its timer) or, in the CLI, the table alone. */
export interface TaskReminders {
  schedule(input: ReminderInput): unknown;
  cancel(taskId: string): void;
}

/** For processes that do not run the scheduler (the CLI): write the reminder; the server's scheduler
 * reads the table at least once a minute and picks it up. */
export function remindersInTable(store: Pick<Store, 'reminders'>): TaskReminders {
  return { schedule: (input) => store.reminders.upsert(input), cancel: (id) => store.reminders.cancel(id) };
}

export function reminderOf(task: TaskRecord): ReminderInput {
  return {
    taskId: task.id, userId: task.ownerId, leadId: task.leadId, title: task.title,
    dueAt: new Date(task.dueAt), reminderMinutes: task.reminderMinutes,
  };
}

/** The scheduler's onFire: nudge the owner (lead name as they may see it), entity `task`. */
export function fireTaskReminder(deps: { store: Store; publisher: Publisher }) {
  return async (reminder: TaskReminder): Promise<void> => {
    const owner = await deps.store.getUser(reminder.userId);
    // A deactivated or removed owner has no one to nudge; the reminder counts as handled.
    if (!owner || !owner.active) return;
    const lead = reminder.leadId ? await deps.store.getLead(reminder.leadId) : null;
    const draft = taskReminderNudge(reminder, { timeZone: await deps.store.workspaceTimeZone(), leadName: lead ? leadName(lead, owner) : null });
    await deps.publisher.nudge(owner.id, {
      kind: draft.kind, entityType: draft.entityType, leadId: draft.leadId, conversationId: draft.conversationId,
      taskId: draft.taskId, title: draft.title, body: draft.body,
    });
  };
}
