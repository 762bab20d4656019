// A lead's Activity History, tasks and their reminders, and a rep's nudge (Carter) settings: one
// part of the storage seam (server/storage/store.ts).
import type { StreamEvent } from '../../shared/stream-protocol';
import type { ActivityRecord, AppendedEvent, HistoryCursor, HistoryEntry, NudgeRecord, TaskRecord } from './records';
import type { ReminderStore } from './reminders';

export interface ActivityStore {
  addActivity(a: Omit<ActivityRecord, 'id'>): Promise<ActivityRecord>;
  listActivity(leadId: string, limit: number): Promise<ActivityRecord[]>;
  /** One page of a lead's Activity History, newest first: activities, each conversation's start and its messages. */
  activityHistory(
    leadId: string,
    conversationIds: string[],
    before: HistoryCursor | null,
    limit: number,
  ): Promise<HistoryEntry[]>;
  /** A rep's Carter settings as saved (JSON), or null when never saved. */
  nudgeSettings(userId: string): Promise<unknown>;
  saveNudgeSettings(userId: string, settings: unknown, at: string): Promise<void>;
  createTask(t: Omit<TaskRecord, 'id'>): Promise<TaskRecord>;
  listTasks(ownerId: string | null): Promise<TaskRecord[]>;
  getTask(id: string): Promise<TaskRecord | null>;
  taskByExternalId(externalId: string): Promise<TaskRecord | null>;
  updateTask(id: string, patch: Partial<Omit<TaskRecord, 'id' | 'externalId'>>): Promise<TaskRecord | null>;
  deleteTask(id: string): Promise<boolean>;
  /** Task reminders (server/nudges/reminder-scheduler.ts), in this database. */
  readonly reminders: ReminderStore;
  /**
   * Fire a task reminder exactly once, in ONE transaction: mark it fired at `at` if it is still
   * unfired with this `fireAt` (a moved reminder is a new one), add the nudge (null: nobody to
   * nudge, the reminder only counts as handled) and append `nudgeEvent(stored nudge)` to the
   * nudge's user's log. Null when it was fired already or is gone. A node that dies before the
   * commit leaves the reminder due, and the next node's sweep fires it.
   */
  fireReminder(
    taskId: string,
    fireAt: string,
    at: string,
    nudge: { nudge: Omit<NudgeRecord, 'id'>; month: string } | null,
    nudgeEvent: (nudge: NudgeRecord) => StreamEvent,
  ): Promise<AppendedEvent[] | null>;
}
