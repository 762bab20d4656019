// What firing a task reminder does: a `task` nudge to the task's owner, recorded and counted
// like every nudge. Which reminder a task has is server/domain/task-reminders.ts.
import type { Publisher } from '../domain/publisher';
import { leadName } from '../domain/views';
import type { Store } from '../storage/store';
import { taskReminderNudge } from './nudge-rules';
import type { TaskReminder } from './reminder-scheduler';

/** The scheduler's onFire: nudge the owner (lead name as they may see it), entity `task`. */
export function fireTaskReminder(deps: { store: Store; publisher: Publisher }) {
  return async (reminder: TaskReminder): Promise<void> => {
    const owner = await deps.store.getUser(reminder.userId);
    // A deactivated or removed owner has no one to nudge; the reminder counts as handled.
    if (!owner || !owner.active) return;
    const lead = reminder.leadId ? await deps.store.getLead(reminder.leadId) : null;
    const draft = taskReminderNudge(reminder, {
      timeZone: await deps.store.workspaceTimeZone(),
      leadName: lead ? leadName(lead, owner) : null,
    });
    await deps.publisher.nudge(owner.id, {
      kind: draft.kind,
      entityType: draft.entityType,
      leadId: draft.leadId,
      conversationId: draft.conversationId,
      taskId: draft.taskId,
      title: draft.title,
      body: draft.body,
    });
  };
}
