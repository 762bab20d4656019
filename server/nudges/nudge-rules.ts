// Who is nudged about what, and what the nudge says. Pure: the server passes in what it has
// already loaded (with the lead's name as the recipient may see it — masked when their
// permission template hides it) and stores the draft, counts it under its entity and pushes it.
import { DateTime } from 'luxon';
import { conversationIdOf, type Channel, type NudgeEntity, type NudgeKind } from '../../shared/domain';
import type { TaskReminder } from './reminder-scheduler';

/** A nudge before it is stored (the server gives it an id and createdAt). */
export interface NudgeDraft {
  kind: NudgeKind;
  /** What usage reports count it under. */
  entityType: NudgeEntity;
  /** The user to nudge. */
  userId: string;
  leadId: string | null;
  conversationId: string | null;
  taskId: string | null;
  title: string;
  body: string;
}

/** The entity each kind of nudge is about: a message or an assignment is about a lead. */
export const NUDGE_ENTITY: Record<NudgeKind, NudgeEntity> = {
  message: 'lead',
  assignment: 'lead',
  task: 'task',
  activity: 'activity',
};

const PREVIEW_CHARS = 140;
const CHANNEL_NAMES: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp' };

/** One line, at most PREVIEW_CHARS characters (by code point, so an emoji is never cut in half). */
export function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= PREVIEW_CHARS ? line : `${chars.slice(0, PREVIEW_CHARS - 1).join('')}…`;
}

/** A lead wrote: nudge the lead's owner (or the conversation's assignee). No one to nudge: null. */
export function inboundMessageNudge(input: {
  leadId: string;
  leadName: string;
  channel: Channel;
  body: string;
  attachmentName?: string | null;
  recipientId: string | null;
}): NudgeDraft | null {
  if (!input.recipientId) return null;
  const text =
    input.body.trim() !== ''
      ? preview(input.body)
      : input.attachmentName
        ? `📎 ${input.attachmentName}`
        : '(empty message)';
  return {
    kind: 'message',
    entityType: NUDGE_ENTITY.message,
    userId: input.recipientId,
    leadId: input.leadId,
    conversationId: conversationIdOf(input.leadId, input.channel),
    taskId: null,
    title: `${input.leadName} · ${CHANNEL_NAMES[input.channel]}`,
    body: text,
  };
}

/** A lead was assigned to a user, by an admin (assignedByName) or round-robin (null). */
export function leadAssignedNudge(input: {
  leadId: string;
  leadName: string;
  ownerId: string;
  assignedByName: string | null;
}): NudgeDraft {
  return {
    kind: 'assignment',
    entityType: NUDGE_ENTITY.assignment,
    userId: input.ownerId,
    leadId: input.leadId,
    conversationId: null,
    taskId: null,
    title: `New lead: ${input.leadName}`,
    body: input.assignedByName
      ? `${input.assignedByName} assigned this lead to you.`
      : 'Assigned to you by round-robin.',
  };
}

/** A task reminder fell due. The due time is written in the workspace's time zone. */
export function taskReminderNudge(
  reminder: TaskReminder,
  opts: { timeZone: string; leadName?: string | null },
): NudgeDraft {
  const due = DateTime.fromJSDate(reminder.dueAt, { zone: opts.timeZone }).toFormat('d LLL yyyy, HH:mm ZZZZ');
  return {
    kind: 'task',
    entityType: NUDGE_ENTITY.task,
    userId: reminder.userId,
    leadId: reminder.leadId,
    conversationId: null,
    taskId: reminder.taskId,
    title: `Task due: ${preview(reminder.title)}`,
    body: opts.leadName ? `Due ${due} · ${opts.leadName}` : `Due ${due}`,
  };
}

/** An activity was posted on a lead: nudge the lead's owner, unless they posted it themselves. */
export function activityNudge(input: {
  leadId: string;
  leadName: string;
  ownerId: string | null;
  activityType: string;
  summary: string;
  postedById?: string | null;
}): NudgeDraft | null {
  if (!input.ownerId || input.postedById === input.ownerId) return null;
  return {
    kind: 'activity',
    entityType: NUDGE_ENTITY.activity,
    userId: input.ownerId,
    leadId: input.leadId,
    conversationId: null,
    taskId: null,
    title: `${input.activityType}: ${input.leadName}`,
    body: input.summary.trim() ? preview(input.summary) : input.activityType,
  };
}
