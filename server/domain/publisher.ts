// Turns a change into events in the log of every user who may see it, each event built for that
// user's view (masking), then hands them to the hub for live delivery.
import type { StreamEvent } from '../../shared/stream-protocol';
import type {
  AppendedEvent,
  ConversationRecord,
  Store,
  UserRecord,
  LeadRecord,
  MessageRecord,
  NudgeRecord,
} from '../storage/store';
import { conversationView, leadView, messageView, nudgeView } from './views';
import type { NudgeEntity, NudgeKind } from '../../shared/domain';
import { usageMonthOf } from '../reports/usage-month';

/** Live delivery of appended events (server/stream/hub.ts): named here so domain/ does not import stream/. */
export interface LiveDelivery {
  deliver(events: AppendedEvent[]): void;
}

export class Publisher {
  constructor(
    private readonly store: Store,
    private readonly hub: LiveDelivery,
    private readonly now: () => Date,
  ) {}

  /** One event per active user among `userIds`, built for that user, not appended yet (a caller may commit them with other writes). */
  async eventsFor(userIds: string[], build: (viewer: UserRecord) => Promise<StreamEvent | null> | StreamEvent | null) {
    const items: { userId: string; event: StreamEvent }[] = [];
    // Read at once, built one after another.
    for (const viewer of await this.activeViewers(userIds)) {
      const event = await build(viewer);
      if (event) items.push({ userId: viewer.id, event });
    }
    return items;
  }

  /** The active users among `userIds`, once each, asked at once (on PostgreSQL one statement: storage/postgres/coalesced.ts). */
  private async activeViewers(userIds: string[]): Promise<UserRecord[]> {
    const users = await Promise.all([...new Set(userIds)].map((id) => this.store.getUser(id)));
    return users.filter((v): v is UserRecord => !!v && v.active);
  }

  async toUsers(userIds: string[], build: (viewer: UserRecord) => Promise<StreamEvent | null> | StreamEvent | null) {
    const appended = await this.store.appendEvents(await this.eventsFor(userIds, build), this.now().toISOString());
    this.hub.deliver(appended);
    return appended;
  }

  deliver(appended: Awaited<ReturnType<Store['appendEvents']>>) {
    this.hub.deliver(appended);
  }

  /** A lead's conversations and their recent messages, for users who just started seeing it. */
  async conversationsOfLead(leadId: string, userIds: string[], messagesPerConversation = 200) {
    for (const c of await this.store.listConversationsOfLead(leadId)) {
      const messages = await this.store.messagesPage(c.id, null, messagesPerConversation);
      await this.toUsers(userIds, async (v) => ({
        type: 'conversation.upserted',
        conversation: conversationView(c, await this.store.readUpTo(c.id, v.id)),
      }));
      for (const m of messages)
        await this.toUsers(userIds, (v) => ({ type: 'message.upserted', message: messageView(m, v) }));
    }
  }

  async optedOutOf(lead: LeadRecord) {
    return this.store.optedOutNumbers(lead.phones.map((p) => p.e164));
  }

  async lead(leadId: string, extraUserIds: string[] = []) {
    this.hub.deliver(
      await this.store.appendEvents(await this.leadEvents(leadId, extraUserIds), this.now().toISOString()),
    );
  }

  /** The lead.upserted events of a lead for everyone who may see it, not appended yet. */
  async leadEvents(leadId: string, extraUserIds: string[] = []) {
    const lead = await this.store.getLead(leadId);
    if (!lead) return [];
    const optedOut = await this.optedOutOf(lead);
    return this.eventsFor([...(await this.store.leadAudience(leadId)), ...extraUserIds], (v) => ({
      type: 'lead.upserted',
      lead: leadView(lead, v, optedOut),
    }));
  }

  async message(m: MessageRecord) {
    await this.toUsers(await this.store.leadAudience(m.leadId), (v) => ({
      type: 'message.upserted',
      message: messageView(m, v),
    }));
  }

  /** A message and its conversation (last message, window) in one append. */
  async messageWithConversation(m: MessageRecord) {
    this.hub.deliver(
      await this.store.appendEvents((await this.messageWithConversationFor(m)).events, this.now().toISOString()),
    );
  }

  /**
   * The events of messageWithConversation, not appended yet, with the active users they are for.
   * `conversation`: the message's conversation when the caller has just read it (null: it has none).
   */
  async messageWithConversationFor(m: MessageRecord, conversation?: ConversationRecord | null) {
    const c = conversation !== undefined ? conversation : await this.store.getConversation(m.conversationId);
    // Every viewer, then every read mark, asked at once: one statement each on PostgreSQL.
    const viewers = await this.activeViewers(await this.store.leadAudience(m.leadId));
    const marks = c ? await Promise.all(viewers.map((v) => this.store.readUpTo(c.id, v.id))) : [];
    const events: { userId: string; event: StreamEvent }[] = [];
    viewers.forEach((viewer, i) => {
      events.push({ userId: viewer.id, event: { type: 'message.upserted', message: messageView(m, viewer) } });
      if (c)
        events.push({
          userId: viewer.id,
          event: { type: 'conversation.upserted', conversation: conversationView(c, marks[i] ?? null) },
        });
    });
    return { events, viewers };
  }

  async conversation(conversationId: string) {
    const c = await this.store.getConversation(conversationId);
    if (!c) return;
    await this.toUsers(await this.store.leadAudience(c.leadId), async (v) => ({
      type: 'conversation.upserted',
      conversation: conversationView(c, await this.store.readUpTo(c.id, v.id)),
    }));
  }

  /** Record a nudge for one user (counted in usage reports) and push it to their devices. */
  async nudge(
    userId: string,
    n: {
      kind: NudgeKind;
      entityType: NudgeEntity;
      leadId: string | null;
      conversationId: string | null;
      taskId: string | null;
      title: string;
      body: string;
    },
  ): Promise<NudgeRecord> {
    const tz = await this.store.workspaceTimeZone();
    const at = this.now();
    const rec = await this.store.addNudge({ ...n, userId, createdAt: at.toISOString() }, usageMonthOf(at, tz));
    await this.toUsers([userId], (v) => ({ type: 'nudge', nudge: nudgeView(rec, v) }));
    return rec;
  }
}
