// What POST /api/v1/events does with each event (server/http/routes-events.ts authenticates, crm-event-shapes.ts validates).
// Every change goes through the Workspace, as the admin API's do, so the same activity, events,
// nudges and task reminders follow. Ids in events are the sender's: a lead or task is found by
// the id the CRM gave it (kept as external_id), or by its Converse id.
import { normalisePhone } from '../../shared/phone';
import { ErrorCode } from '../../shared/error-codes';
import type { Publisher } from '../domain/publisher';
import { roundRobinOwner } from '../domain/round-robin';
import { leadName, scrubDigits } from '../domain/views';
import { WorkspaceError, type Workspace } from '../domain/workspace';
import type { LeadRecord, NewLead, Store, UserRecord } from '../storage/store';
import {
  EventRejected,
  type ActivityEvent,
  type EventsRouteDeps,
  type LeadEvent,
  type TaskEvent,
  type UserRef,
} from './crm-event-shapes';
import { activityNudge } from './nudge-rules';

export interface CrmEventDeps {
  store: Store;
  workspace: Workspace;
  publisher: Publisher;
  now: () => Date;
  /** Fault injection (tests): called once an event is claimed; a throw stops there, as a crash would. */
  checkpoint?: (step: 'claimed') => void;
}

/**
 * How long a claim holds an event. A sender's retry within it is told to resend later; after it,
 * an event whose handling never finished (the process stopped) is handled again.
 */
export const CRM_EVENT_LEASE_MS = 2 * 60_000;

export function crmEventHandlers(deps: CrmEventDeps): Pick<EventsRouteDeps, 'onLead' | 'onTask' | 'onActivity'> {
  const { store, workspace, publisher, now } = deps;

  /** Handle each eventId once: a sender's retry of an event already handled changes nothing. */
  const once =
    <E extends { eventId: string; type: string }>(handle: (e: E) => Promise<void>) =>
    async (e: E) => {
      const at = now();
      const claim = await store.claimEventLease(
        e.eventId,
        e.type,
        at.toISOString(),
        new Date(at.getTime() + CRM_EVENT_LEASE_MS).toISOString(),
      );
      if (claim === 'handled') return;
      if (claim === 'busy')
        throw new EventRejected(
          ErrorCode.CONFLICT,
          'This event is being handled for an earlier delivery; resend it in a few minutes',
          409,
        );
      deps.checkpoint?.('claimed');
      try {
        await handle(e);
        await store.completeEvent(e.eventId, now().toISOString());
      } catch (err) {
        await store.releaseEvent(e.eventId);
        if (err instanceof WorkspaceError) throw new EventRejected(err.code, err.message);
        throw err;
      }
    };

  const user = async (ref: UserRef, role: string): Promise<UserRecord> => {
    const u = ref.id ? await store.getUser(ref.id) : await store.getUserByEmail(ref.email!);
    if (!u || !u.active)
      throw new EventRejected(ErrorCode.NOT_FOUND, `The ${role} ${ref.email ?? ref.id} is not an active Converse user`);
    return u;
  };

  const findLead = async (id: string) => (await store.leadByExternalId(id)) ?? (await store.getLead(id));
  const lead = async (id: string): Promise<LeadRecord> => {
    const l = await findLead(id);
    if (!l) throw new EventRejected(ErrorCode.NOT_FOUND, `No lead with the id ${id}; send its lead event first`);
    return l;
  };

  const onLead = once<LeadEvent>(async (e) => {
    const existing = await findLead(e.lead.id);
    const phones = e.lead.phones?.map((p) => {
      const n = normalisePhone(p.number);
      if (!n.ok) throw new EventRejected(ErrorCode.INVALID_REQUEST, n.message);
      return { e164: n.e164, label: p.label ?? null, primary: p.primary };
    });
    // The owner: named (or null: unassigned); on "assigned" without one, round-robin.
    let ownerId: string | null | undefined;
    if (e.lead.owner) ownerId = (await user(e.lead.owner, 'owner')).id;
    else if (e.lead.owner === null) ownerId = null;
    else if (e.action === 'assigned') ownerId = await roundRobinOwner(store);
    if (!existing) {
      const fresh: NewLead = {
        firstName: e.lead.firstName,
        lastName: e.lead.lastName,
        email: e.lead.email ?? null,
        ownerId: ownerId ?? null,
        phones: phones ?? [],
        externalId: e.lead.id,
      };
      await workspace.createLead(fresh);
      return;
    }
    const patch: Partial<NewLead> = {};
    if (e.lead.firstName) patch.firstName = e.lead.firstName;
    if (e.lead.lastName) patch.lastName = e.lead.lastName;
    if (e.lead.email !== undefined) patch.email = e.lead.email;
    if (phones) patch.phones = phones;
    if (ownerId !== undefined) patch.ownerId = ownerId;
    // The Workspace nudges the new owner when the owner changed (entity `lead`).
    await workspace.updateLead(existing.id, patch);
  });

  const onTask = once<TaskEvent>(async (e) => {
    const existing = (await store.taskByExternalId(e.task.id)) ?? (await store.getTask(e.task.id));
    if (e.action === 'completed' || e.action === 'deleted') {
      if (existing) await workspace.deleteTask(existing.id);
      return;
    }
    const t = e.task as Extract<TaskEvent, { action: 'created' | 'updated' }>['task'];
    const owner = await user(t.owner, 'task owner');
    const leadId = t.leadId ? (await lead(t.leadId)).id : null;
    const fields = {
      title: t.title,
      leadId,
      ownerId: owner.id,
      dueAt: new Date(t.dueAt).toISOString(),
      reminderMinutes: t.reminderMinutes,
    };
    if (existing) await workspace.updateTask(existing.id, fields);
    else await workspace.createTask({ ...fields, externalId: t.id });
  });

  const onActivity = once<ActivityEvent>(async (e) => {
    const a = e.activity;
    const target = await lead(a.leadId);
    const postedBy = a.by ? await user(a.by, 'author').catch(() => null) : null;
    // Activity text never carries numbers: some readers have phone numbers masked.
    const summary = scrubDigits(a.summary);
    await store.addActivity({
      leadId: target.id,
      type: 'crm.activity',
      summary: scrubDigits(summary ? `${a.activityType}: ${summary}` : a.activityType),
      at: new Date(a.at).toISOString(),
      messageId: null,
    });
    const owner = target.ownerId ? await store.getUser(target.ownerId) : null;
    if (!owner || !owner.active) return;
    const draft = activityNudge({
      leadId: target.id,
      leadName: leadName(target, owner),
      ownerId: owner.id,
      activityType: scrubDigits(a.activityType),
      summary,
      postedById: postedBy?.id ?? null,
    });
    if (draft) {
      await publisher.nudge(owner.id, {
        kind: draft.kind,
        entityType: draft.entityType,
        leadId: draft.leadId,
        conversationId: draft.conversationId,
        taskId: draft.taskId,
        title: draft.title,
        body: draft.body,
      });
    }
  });

  return { onLead, onTask, onActivity };
}
