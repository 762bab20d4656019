// Which reminder a task has, and where a task change writes it. Lives in domain/ with the
// Workspace that changes tasks; what firing a reminder does stays in server/nudges/.
import type { Store, TaskRecord } from '../storage/store';
import type { ReminderInput } from '../storage/reminders';

/** What task changes need: the running scheduler (re-arms its timer) or, in the CLI, the table alone. */
export interface TaskReminders {
  schedule(input: ReminderInput): Promise<unknown>;
  cancel(taskId: string): Promise<void>;
}

/** For processes that do not run the scheduler (the CLI): write the reminder; the server's scheduler
 * reads the table at least once a minute and picks it up. */
export function remindersInTable(store: Pick<Store, 'reminders'>): TaskReminders {
  return { schedule: (input) => store.reminders.upsert(input), cancel: (id) => store.reminders.cancel(id) };
}

export function reminderOf(task: TaskRecord): ReminderInput {
  return {
    taskId: task.id,
    userId: task.ownerId,
    leadId: task.leadId,
    title: task.title,
    dueAt: new Date(task.dueAt),
    reminderMinutes: task.reminderMinutes,
  };
}
