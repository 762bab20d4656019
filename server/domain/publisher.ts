// Turns a change into events in the log of every user who may see it, each event built for that
// user's view (masking), then hands them to the hub for live delivery.
import type { StreamEvent } from '../../shared/stream-protocol';
import type { Store, UserRecord, LeadRecord, MessageRecord, NudgeRecord } from '../storage/store';
import type { Hub } from '../stream/hub';
import { conversationView, leadView, messageView, nudgeView } from './views';
import type { NudgeEntity, NudgeKind } from '../../shared/domain';
import { usageMonthOf } from '../reports/usage-month';

export class Publisher {
  constructor(private readonly store: Store, private readonly hub: Hub, private readonly now: () => Date) {}

  async toUsers(userIds: string[], build: (viewer: UserRecord) => Promise<StreamEvent | null> | StreamEvent | null) {
    const items: { userId: string; event: StreamEvent }[] = [];
    for (const id of new Set(userIds)) {
      const viewer = await this.store.getUser(id);
      if (!viewer || !viewer.active) continue;
      const event = await build(viewer);
      if (event) items.push({ userId: id, event });
    }
    const appended = await this.store.appendEvents(items, this.now().toISOString());
    this.hub.deliver(appended);
    return appended;
  }

  deliver(appended: Awaited<ReturnType<Store['appendEvents']>>) { this.hub.deliver(appended); }

  /** A lead's conversations and their recent messages, for users who just started seeing it. */
  async conversationsOfLead(leadId: string, userIds: string[], messagesPerConversation = 200) {
    for (const c of await this.store.listConversationsOfLead(leadId)) {
      const messages = await this.store.messagesPage(c.id, null, messagesPerConversation);
      await this.toUsers(userIds, async (v) => ({ type: 'conversation.upserted', conversation: conversationView(c, await this.store.readUpTo(c.id, v.id)) }));
      for (const m of messages) {
        const view = messageView(m);
        await this.toUsers(userIds, () => ({ type: 'message.upserted', message: view }));
      }
    }
  }

  async optedOutOf(lead: LeadRecord) { return this.store.optedOutNumbers(lead.phones.map((p) => p.e164)); }

  async lead(leadId: string, extraUserIds: string[] = []) {
    const lead = await this.store.getLead(leadId);
    if (!lead) return;
    const optedOut = await this.optedOutOf(lead);
    await this.toUsers([...(await this.store.leadAudience(leadId)), ...extraUserIds], (v) => ({ type: 'lead.upserted', lead: leadView(lead, v, optedOut) }));
  }

  async message(m: MessageRecord) {
    const view = messageView(m);
    await this.toUsers(await this.store.leadAudience(m.leadId), () => ({ type: 'message.upserted', message: view }));
  }

  /** A message and its conversation (last message, window) in one append. */
  async messageWithConversation(m: MessageRecord) {
    const c = await this.store.getConversation(m.conversationId);
    const view = messageView(m);
    const items: { userId: string; event: StreamEvent }[] = [];
    for (const id of new Set(await this.store.leadAudience(m.leadId))) {
      const viewer = await this.store.getUser(id);
      if (!viewer || !viewer.active) continue;
      items.push({ userId: id, event: { type: 'message.upserted', message: view } });
      if (c) items.push({ userId: id, event: { type: 'conversation.upserted', conversation: conversationView(c, await this.store.readUpTo(c.id, id)) } });
    }
    this.hub.deliver(await this.store.appendEvents(items, this.now().toISOString()));
  }

  async conversation(conversationId: string) {
    const c = await this.store.getConversation(conversationId);
    if (!c) return;
    await this.toUsers(await this.store.leadAudience(c.leadId), async (v) => ({
      type: 'conversation.upserted', conversation: conversationView(c, await this.store.readUpTo(c.id, v.id)),
    }));
  }

  /** Record a nudge for one user (counted in usage reports) and push it to their devices. */
  async nudge(userId: string, n: { kind: NudgeKind; entityType: NudgeEntity; leadId: string | null; conversationId: string | null; taskId: string | null; title: string; body: string }): Promise<NudgeRecord> {
    const tz = await this.store.workspaceTimeZone();
    const at = this.now();
    const rec = await this.store.addNudge({ ...n, userId, createdAt: at.toISOString() }, usageMonthOf(at, tz));
    await this.toUsers([userId], () => ({ type: 'nudge', nudge: nudgeView(rec) }));
    return rec;
  }
}
