// Operations on the workspace that change what users may see: leads, assignments, tasks,
// templates, users and permission templates. Used by the admin API, the operator CLI and the
// demo seed alike, so every path appends the same events and activity.
import type { LeadView, MaskableLeadField, Role } from '../../shared/domain';
import { templateOffered } from '../../shared/template-fill';
import { ErrorCode } from '../../shared/error-codes';
import type { NewLead, Store, TemplateRecord, UserRecord, LeadRecord } from '../storage/store';
import type { Publisher } from './publisher';
import { canSeeLead, seesWholeWorkspace, visibleLeads, wholeWorkspace } from './access';
import { leadView, leadName, templateView } from './views';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { reminderOf, remindersInTable, type TaskReminders } from './task-reminders';

export class WorkspaceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class Workspace {
  /** Called with session ids to close their streams (password reset, deactivation). */
  onSessionsRevoked: (sessionIds: string[]) => void = () => undefined;

  private readonly reminders: TaskReminders;

  /** `reminders`: the server's running scheduler; without it (CLI) reminders are written to their table. */
  constructor(
    private readonly store: Store,
    private readonly publisher: Publisher,
    private readonly now: () => Date,
    reminders?: TaskReminders,
  ) {
    this.reminders = reminders ?? remindersInTable(store);
  }

  // ---- users -------------------------------------------------------------------------------
  async createUser(u: {
    email: string;
    name: string;
    role: Role;
    password: string;
    permissionTemplateId?: string | null;
  }): Promise<UserRecord> {
    const problem = passwordProblem(u.password);
    if (problem) throw new WorkspaceError(ErrorCode.INVALID_REQUEST, problem);
    if (await this.store.getUserByEmail(u.email))
      throw new WorkspaceError(ErrorCode.CONFLICT, `A user with the email ${u.email} already exists.`, 409);
    const user = await this.store.createUser({
      email: u.email,
      name: u.name,
      role: u.role,
      passwordHash: await hashPassword(u.password),
      permissionTemplateId: u.permissionTemplateId ?? null,
    });
    await this.sendInitialState(user.id);
    return user;
  }

  async updateUser(
    id: string,
    patch: { name?: string; role?: Role; active?: boolean; password?: string; permissionTemplateId?: string | null },
  ): Promise<UserRecord> {
    const before = await this.store.getUser(id);
    if (!before) throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such user.', 404);
    if (patch.password !== undefined) {
      const problem = passwordProblem(patch.password);
      if (problem) throw new WorkspaceError(ErrorCode.INVALID_REQUEST, problem);
    }
    const user = (await this.store.updateUser(id, {
      name: patch.name,
      role: patch.role,
      active: patch.active,
      permissionTemplateId: patch.permissionTemplateId,
      passwordHash: patch.password !== undefined ? await hashPassword(patch.password) : undefined,
    }))!;
    if (patch.password !== undefined || patch.active === false) {
      this.onSessionsRevoked(await this.store.revokeUserSessions(id, this.now().toISOString()));
    }
    // A new role or mask changes what this user sees: send the state again, as they must see it.
    if (
      patch.role !== undefined ||
      patch.permissionTemplateId !== undefined ||
      (patch.active === true && !before.active)
    ) {
      await this.rewriteHistory(id);
      await this.sendInitialState(id, seesWholeWorkspace(before) && !seesWholeWorkspace(user));
    }
    return user;
  }

  async resetPassword(email: string, password: string) {
    const user = await this.store.getUserByEmail(email);
    if (!user) throw new WorkspaceError(ErrorCode.NOT_FOUND, `No user with the email ${email}.`, 404);
    return this.updateUser(user.id, { password });
  }

  async setPermissionTemplate(id: string, patch: { name?: string; maskedFields?: MaskableLeadField[] }) {
    const t = await this.store.updatePermissionTemplate(id, patch);
    if (!t) throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such permission template.', 404);
    if (patch.maskedFields) {
      for (const u of await this.store.listUsers()) {
        if (u.permissionTemplateId !== id) continue;
        await this.rewriteHistory(u.id);
        await this.sendInitialState(u.id);
      }
    }
    return t;
  }

  /**
   * A user's log is replayed to new devices from seq 1, so when what they may see shrinks (a field
   * newly masked, a lead no longer visible) the lead events already in it are rewritten as the
   * user must see them now; otherwise a fresh device would replay values that are now masked.
   */
  private async rewriteHistory(userId: string) {
    const user = await this.store.getUser(userId);
    if (!user) return;
    const views = new Map<string, LeadView | null>();
    for (const leadId of await this.store.leadIdsInLog(userId)) {
      const lead = await this.store.getLead(leadId);
      views.set(
        leadId,
        lead && (await canSeeLead(this.store, user, leadId))
          ? leadView(lead, user, await this.publisher.optedOutOf(lead))
          : null,
      );
    }
    await this.store.rewriteLeadEvents(userId, views);
  }

  /** Every lead and template a user may see, as lead.upserted/template.upserted events (first sign-up, mask change). */
  async sendInitialState(userId: string, removeOthers = false) {
    const user = await this.store.getUser(userId);
    if (!user) return;
    const visible = await visibleLeads(this.store, user, { limit: 1_000_000 });
    const events = [];
    if (removeOthers) {
      const keep = new Set(visible.map((l) => l.id));
      for (const l of await this.store.listLeads({ scope: wholeWorkspace(), limit: 1_000_000, offset: 0 }))
        if (!keep.has(l.id)) events.push({ type: 'lead.removed' as const, leadId: l.id });
    }
    for (const l of visible)
      events.push({ type: 'lead.upserted' as const, lead: leadView(l, user, await this.publisher.optedOutOf(l)) });
    for (const t of await this.store.listTemplates(null)) events.push(templateEvent(t));
    await this.store
      .appendEvents(
        events.map((event) => ({ userId, event })),
        this.now().toISOString(),
      )
      .then((a) => this.publisher.deliver(a));
  }

  // ---- leads -------------------------------------------------------------------------------
  /** `opts.at`: when the lead was created, for leads imported with their history (the demo). */
  async createLead(lead: NewLead, opts: { nudge?: boolean; at?: string } = {}): Promise<LeadRecord> {
    const at = opts.at ?? this.now().toISOString();
    const created = await this.store.createLead(lead, at).catch((err: Error) => {
      if (/UNIQUE/.test(err.message))
        throw new WorkspaceError(ErrorCode.CONFLICT, 'One of these numbers already belongs to another lead.', 409);
      throw err;
    });
    await this.store.addActivity({
      leadId: created.id,
      type: 'lead.created',
      summary: `Lead created${created.ownerName ? ` and assigned to ${created.ownerName}` : ''}.`,
      at,
      messageId: null,
    });
    await this.publisher.lead(created.id);
    if (created.ownerId && opts.nudge !== false) await this.nudgeAssignment(created.ownerId, created, null);
    return created;
  }

  async updateLead(id: string, patch: Partial<NewLead>): Promise<LeadRecord> {
    const before = await this.store.leadAudience(id);
    const old = await this.store.getLead(id);
    if (!old) throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such lead.', 404);
    const at = this.now().toISOString();
    const lead = (await this.store.updateLead(id, patch, at).catch((err: Error) => {
      if (/UNIQUE/.test(err.message))
        throw new WorkspaceError(ErrorCode.CONFLICT, 'One of these numbers already belongs to another lead.', 409);
      throw err;
    }))!;
    if (patch.ownerId !== undefined && patch.ownerId !== old.ownerId) {
      await this.store.addActivity({
        leadId: id,
        type: 'lead.assigned',
        summary: lead.ownerName ? `Lead assigned to ${lead.ownerName}.` : 'Lead unassigned.',
        at,
        messageId: null,
      });
    }
    await this.afterAudienceChange(id, before);
    if (patch.ownerId && patch.ownerId !== old.ownerId) await this.nudgeAssignment(patch.ownerId, lead, null);
    return lead;
  }

  async assignConversation(conversationId: string, assigneeId: string | null, opts: { nudge?: boolean } = {}) {
    const conv = await this.store.getConversation(conversationId);
    if (!conv) throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such conversation.', 404);
    if (assigneeId && !(await this.store.getUser(assigneeId)))
      throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such user.', 404);
    const before = await this.store.leadAudience(conv.leadId);
    await this.store.assignConversation(conversationId, assigneeId);
    const assignee = assigneeId ? await this.store.getUser(assigneeId) : null;
    await this.store.addActivity({
      leadId: conv.leadId,
      type: 'conversation.assigned',
      summary: assignee
        ? `${conv.channel === 'sms' ? 'SMS' : 'WhatsApp'} conversation assigned to ${assignee.name}.`
        : 'Conversation unassigned.',
      at: this.now().toISOString(),
      messageId: null,
    });
    await this.afterAudienceChange(conv.leadId, before, true);
    const lead = (await this.store.getLead(conv.leadId))!;
    if (assigneeId && opts.nudge !== false) await this.nudgeAssignment(assigneeId, lead, conversationId);
  }

  /** Re-publish a lead; users who no longer see it get lead.removed. New viewers get its messages. */
  private async afterAudienceChange(leadId: string, before: string[], conversationsToo = true) {
    const after = new Set(await this.store.leadAudience(leadId));
    const gone = before.filter((u) => !after.has(u));
    if (gone.length) {
      // Their logs no longer hold the lead's details for a new device to replay.
      for (const u of gone) await this.store.rewriteLeadEvents(u, new Map([[leadId, null]]));
      await this.publisher.toUsers(gone, () => ({ type: 'lead.removed', leadId }));
    }
    await this.publisher.lead(leadId);
    const fresh = [...after].filter((u) => !before.includes(u));
    if (conversationsToo && fresh.length) await this.publisher.conversationsOfLead(leadId, fresh);
  }

  private async nudgeAssignment(userId: string, lead: LeadRecord, conversationId: string | null) {
    const viewer = await this.store.getUser(userId);
    if (!viewer) return;
    await this.publisher.nudge(userId, {
      kind: 'assignment',
      entityType: 'lead',
      leadId: lead.id,
      conversationId,
      taskId: null,
      title: conversationId ? 'Conversation assigned to you' : 'Lead assigned to you',
      body: leadName(lead, viewer),
    });
  }

  // ---- tasks -------------------------------------------------------------------------------
  // Every task change (admin API, CLI, events API) goes through these three, so its reminder
  // is scheduled, moved or cancelled with it.
  async createTask(t: {
    title: string;
    leadId: string | null;
    ownerId: string;
    dueAt: string;
    reminderMinutes: number;
    externalId?: string | null;
  }) {
    const owner = await this.store.getUser(t.ownerId);
    if (!owner) throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such user.', 404);
    if (t.leadId && !(await this.store.getLead(t.leadId)))
      throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such lead.', 404);
    const task = await this.store.createTask(t);
    await this.reminders.schedule(reminderOf(task));
    if (t.leadId)
      await this.store.addActivity({
        leadId: t.leadId,
        type: 'task.created',
        summary: `Task "${t.title}" created for ${owner.name}.`,
        at: this.now().toISOString(),
        messageId: null,
      });
    await this.publisher.nudge(owner.id, {
      kind: 'task',
      entityType: 'task',
      leadId: t.leadId,
      conversationId: null,
      taskId: task.id,
      title: 'New task',
      body: t.title,
    });
    return task;
  }

  async updateTask(
    id: string,
    patch: { title?: string; leadId?: string | null; ownerId?: string; dueAt?: string; reminderMinutes?: number },
  ) {
    if (patch.ownerId !== undefined && !(await this.store.getUser(patch.ownerId)))
      throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such user.', 404);
    if (patch.leadId && !(await this.store.getLead(patch.leadId)))
      throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such lead.', 404);
    const task = await this.store.updateTask(id, patch);
    if (!task) throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such task.', 404);
    // Same fire time: the reminder keeps its "fired" mark; a new time arms it again.
    await this.reminders.schedule(reminderOf(task));
    return task;
  }

  async deleteTask(id: string) {
    const task = await this.store.getTask(id);
    if (!task) throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such task.', 404);
    await this.reminders.cancel(id);
    await this.store.deleteTask(id);
    if (task.leadId)
      await this.store.addActivity({
        leadId: task.leadId,
        type: 'task.deleted',
        summary: `Task "${task.title}" completed or removed.`,
        at: this.now().toISOString(),
        messageId: null,
      });
  }

  // ---- templates ---------------------------------------------------------------------------
  async saveTemplate(t: Omit<TemplateRecord, 'id' | 'updatedAt'> & { id?: string }) {
    const saved = await this.store.upsertTemplate(t, this.now().toISOString());
    const users = (await this.store.listUsers()).filter((u) => u.active).map((u) => u.id);
    await this.publisher.toUsers(users, () => templateEvent(saved));
    return saved;
  }

  async deleteTemplate(id: string) {
    if (!(await this.store.deleteTemplate(id))) throw new WorkspaceError(ErrorCode.NOT_FOUND, 'No such template.', 404);
    const users = (await this.store.listUsers()).filter((u) => u.active).map((u) => u.id);
    await this.publisher.toUsers(users, () => ({ type: 'template.removed', templateId: id }));
  }
}

/** Templates a rep may not pick travel as removals, so a client's list is exactly what it may offer. */
function templateEvent(t: TemplateRecord) {
  const view = templateView(t);
  return templateOffered(view)
    ? { type: 'template.upserted' as const, template: view }
    : { type: 'template.removed' as const, templateId: t.id };
}
