// The events other systems (the CRM, a task tool, a marketing platform) send to
// POST /api/v1/events (server/http/routes-events.ts) to tell Converse that a lead was created or
// assigned, a task was set, or an activity was posted, so the server can nudge the right rep.
// Every body is checked against these schemas before any handler runs. Each event carries the
// sender's own eventId, so a sender that retries a batch after a timeout can be deduplicated.
import { z } from 'zod';
import { LEAD_LIMITS, Timestamp } from '../../shared/domain';

const Id = z.string().trim().min(1).max(200);

/** A Converse user, by id or by sign-in email. */
export const UserRef = z
  .object({
    id: Id.optional(),
    email: z.string().trim().toLowerCase().email().max(320).optional(),
  })
  .refine((u) => u.id !== undefined || u.email !== undefined, "give the user's id or email");
export type UserRef = z.infer<typeof UserRef>;

const EventBase = {
  /** The sender's id for this event; a repeated eventId is the same event sent again. */
  eventId: Id,
  occurredAt: Timestamp.optional(),
};

export const LeadEvent = z.object({
  type: z.literal('lead'),
  ...EventBase,
  /** 'assigned': the owner changed (by an admin, or round-robin when owner is omitted). */
  action: z.enum(['created', 'updated', 'assigned']),
  lead: z
    .object({
      id: Id,
      firstName: z.string().trim().max(LEAD_LIMITS.nameChars).default(''),
      lastName: z.string().trim().max(LEAD_LIMITS.nameChars).default(''),
      email: z.string().trim().email().max(LEAD_LIMITS.emailChars).nullable().optional(),
      phones: z
        .array(
          z.object({
            number: z.string().trim().min(3).max(40),
            label: z.string().trim().max(40).optional(),
            primary: z.boolean().optional(),
          }),
        )
        .max(LEAD_LIMITS.phones)
        .optional(),
      /** The new owner; omitted on 'assigned': the server assigns round-robin. */
      owner: UserRef.nullable().optional(),
    })
    .refine((l) => l.firstName !== '' || l.lastName !== '', 'a lead needs a first or last name'),
  /** Who made the assignment, when a person did. */
  assignedBy: UserRef.optional(),
});
export type LeadEvent = z.infer<typeof LeadEvent>;

const TaskFields = z.object({
  id: Id,
  title: z.string().trim().min(1).max(500),
  leadId: Id.nullable().optional(),
  owner: UserRef,
  dueAt: Timestamp,
  /** Minutes before dueAt to nudge; up to a week (as the admin API). */
  reminderMinutes: z.number().int().min(0).max(10_080).default(15),
});

export const TaskEvent = z.discriminatedUnion('action', [
  z.object({ type: z.literal('task'), ...EventBase, action: z.enum(['created', 'updated']), task: TaskFields }),
  z.object({
    type: z.literal('task'),
    ...EventBase,
    action: z.enum(['completed', 'deleted']),
    task: z.object({ id: Id }),
  }),
]);
export type TaskEvent = z.infer<typeof TaskEvent>;

export const ActivityEvent = z.object({
  type: z.literal('activity'),
  ...EventBase,
  activity: z.object({
    id: Id,
    leadId: Id,
    /** The CRM's activity type, e.g. "Email Opened", "Web Form Submitted". */
    activityType: z.string().trim().min(1).max(200),
    summary: z.string().trim().max(2000).default(''),
    at: Timestamp,
    by: UserRef.optional(),
  }),
});
export type ActivityEvent = z.infer<typeof ActivityEvent>;

export const CrmEvent = z.union([LeadEvent, TaskEvent, ActivityEvent]);
export type CrmEvent = z.infer<typeof CrmEvent>;

/** A batch: up to 100 events in `{events: [...]}` (a body without `events` is one event). */
export const EventsBatch = z.object({
  events: z.array(z.unknown()).min(1, 'send at least one event').max(100, 'send at most 100 events per request'),
});

/** Handlers throw this to refuse one event with a reason the sender can act on (unknown owner…). */
export class EventRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 422,
  ) {
    super(message);
    this.name = 'EventRejected';
  }
}

export interface EventsRouteDeps {
  /** SHA-256 (hex, server/auth/api-keys.ts) of the workspace's current API keys (several during a rotation); none: the endpoint refuses everyone. */
  apiKeyHashes: () => readonly string[] | Promise<readonly string[]>;
  onLead: (event: LeadEvent) => void | Promise<void>;
  onTask: (event: TaskEvent) => void | Promise<void>;
  onActivity: (event: ActivityEvent) => void | Promise<void>;
  /** Defaults to /api/v1/events. */
  path?: string;
}

/** The first issue in plain words, naming the field. */
export function describeIssues(issues: z.core.$ZodIssue[], prefix: string): string {
  const issue = issues[0];
  if (!issue) return `${prefix}: rejected.`;
  const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
  return `${prefix}${where}: ${issue.message}.`;
}

/** Validates one event; the error names the field in plain words. */
export function parseCrmEvent(raw: unknown): { ok: true; event: CrmEvent } | { ok: false; message: string } {
  const type = (raw as { type?: unknown } | null)?.type;
  const schema = type === 'lead' ? LeadEvent : type === 'task' ? TaskEvent : type === 'activity' ? ActivityEvent : null;
  if (!schema) {
    const got =
      typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : type === undefined ? 'nothing' : typeof type;
    return { ok: false, message: `type must be "lead", "task" or "activity", got ${got}` };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, event: parsed.data as CrmEvent };
  return {
    ok: false,
    message: describeIssues(parsed.error.issues, `invalid ${String(type)} event`).replace(/\.$/, ''),
  };
}
