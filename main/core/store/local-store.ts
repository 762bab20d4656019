// The desktop's local copy of everything the rep can see. The sync engine applies stream
// events here, one transaction per batch, with the cursor moved in the same transaction, so
// the committed sequence and the data can never disagree.
import type Database from 'better-sqlite3';
import type { MessageView, NudgeView } from '../../../shared/domain';
import { previewOf, type WritableEvent } from './prepared';
import type { ConversationTouch } from './conversations';
import { openDatabase, type OpenOptions } from './open-database';
import { MessageRows } from './messages';
import { LeadRows } from './leads';
import { ConversationRows } from './conversations';
import { StateRows } from './state';

/** What one applied batch changed, for the events and nudges that follow the commit. */
export interface BatchOutcome {
  /** The committed sequence after the batch. */
  seq: number;
  /** Events skipped because they were at or below the committed sequence (a replay). */
  duplicates: number;
  messages: Map<string, MessageView[]>;
  conversations: Set<string>;
  /** Conversations whose unread count may have changed. */
  unreadTouched: Set<string>;
  leadsChanged: boolean;
  templatesChanged: boolean;
  /** Sends the server confirmed through their message events (the outbox shrank). */
  outboxResolved: number;
  /** Nudges seen for the first time, with the time the server logged them. */
  nudges: { nudge: NudgeView; at: string }[];
  /** With `viewsAsJson`: each conversation's stored views as one JSON array (`messages` stays empty). */
  messagesJson?: Map<string, string[]>;
  /** As received from the store writer's thread: [conversationId, JSON array of views]; parsed only if someone listens. */
  messagesWire?: [string, string][];
}

export class LocalStore {
  readonly messages: MessageRows;
  readonly leads: LeadRows;
  readonly conversations: ConversationRows;
  readonly state: StateRows;

  private constructor(readonly db: Database.Database, readonly file: string, readonly recoveredFrom: string | null) {
    this.messages = new MessageRows(db);
    this.leads = new LeadRows(db);
    this.conversations = new ConversationRows(db);
    this.state = new StateRows(db);
  }

  static open(file: string, now?: () => Date, options?: OpenOptions): LocalStore {
    const { db, recoveredFrom } = openDatabase(file, now, options);
    return new LocalStore(db, file, recoveredFrom);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Apply a batch of stream events in one transaction; events already committed are skipped.
   * `advanceTo` moves the cursor past events of the batch that could not be read.
   * Messages enter the search index in the same transaction unless `index` is false.
   */
  applyEvents(events: readonly WritableEvent[], advanceTo = 0, opts: { index?: boolean; viewsAsJson?: boolean } = {}): BatchOutcome {
    return this.transaction(() => {
      const out: BatchOutcome = {
        seq: this.state.committedSeq(), duplicates: 0, messages: new Map(), conversations: new Set(), unreadTouched: new Set(),
        leadsChanged: false, templatesChanged: false, outboxResolved: 0, nudges: [],
      };
      // Views cross to another thread as the JSON the row already holds: cheaper than cloning objects.
      const asJson = opts.viewsAsJson ? (out.messagesJson = new Map<string, string[]>()) : null;
      // A conversation's preview follows only its newest message of the batch.
      const latest = new Map<string, ConversationTouch>();
      const newest = (t: ConversationTouch) => {
        const before = latest.get(t.conversationId);
        if (!before || before.createdMs <= t.createdMs) latest.set(t.conversationId, t);
      };
      for (const e of events) {
        if (Array.isArray(e)) {
          // A message prepared on the main thread (prepared.ts): the hot path of a backlog.
          const [seq, , , clientId, conversationId, leadId, channel, direction, , , createdMs, createdAt, preview] = e;
          if (seq <= out.seq) { out.duplicates++; continue; }
          out.seq = seq;
          const { json } = this.messages.upsertPrepared(e);
          if (clientId && this.state.removeOutbox(clientId)) out.outboxResolved++;
          newest({ conversationId, leadId, channel, createdAt, createdMs, preview });
          if (asJson) {
            const list = asJson.get(conversationId);
            if (list) list.push(json); else asJson.set(conversationId, [json]);
          } else {
            const list = out.messages.get(conversationId) ?? [];
            list.push(JSON.parse(json) as MessageView);
            out.messages.set(conversationId, list);
          }
          out.conversations.add(conversationId);
          if (direction === 'inbound') out.unreadTouched.add(conversationId);
          continue;
        }
        const { seq, at, event } = e;
        if (seq <= out.seq) { out.duplicates++; continue; }
        out.seq = seq;
        switch (event.type) {
          case 'message.upserted': {
            const { view, json } = this.messages.upsertFromServerAsJson(event.message);
            // The server has this send: the outbox has nothing left to do for it.
            if (event.message.clientId && this.state.removeOutbox(event.message.clientId)) out.outboxResolved++;
            const m = event.message;
            newest({ conversationId: m.conversationId, leadId: m.leadId, channel: m.channel, createdAt: m.createdAt, createdMs: Date.parse(m.createdAt), preview: previewOf(m) });
            if (asJson) {
              const list = asJson.get(view.conversationId) ?? [];
              list.push(json);
              asJson.set(view.conversationId, list);
            } else {
              const list = out.messages.get(view.conversationId) ?? [];
              list.push(view);
              out.messages.set(view.conversationId, list);
            }
            out.conversations.add(view.conversationId);
            if (view.direction === 'inbound') out.unreadTouched.add(view.conversationId);
            break;
          }
          case 'conversation.upserted':
            this.conversations.upsert(event.conversation);
            out.conversations.add(event.conversation.id);
            out.unreadTouched.add(event.conversation.id);
            break;
          case 'conversation.read':
            if (this.conversations.setRead(event.conversationId, event.readUpTo, false)) {
              out.unreadTouched.add(event.conversationId);
              out.conversations.add(event.conversationId);
            }
            break;
          case 'lead.upserted':
            this.leads.upsert(event.lead);
            out.leadsChanged = true;
            for (const c of this.conversations.ofLead(event.lead.id)) out.conversations.add(c.id);
            break;
          case 'lead.removed':
            for (const c of this.conversations.ofLead(event.leadId)) { out.conversations.add(c.id); out.unreadTouched.add(c.id); }
            this.leads.remove(event.leadId);
            for (const [id, m] of latest) if (m.leadId === event.leadId) latest.delete(id);
            out.leadsChanged = true;
            break;
          case 'template.upserted':
            this.leads.upsertTemplate(event.template);
            out.templatesChanged = true;
            break;
          case 'template.removed':
            this.leads.removeTemplate(event.templateId);
            out.templatesChanged = true;
            break;
          case 'nudge':
            if (this.state.addNudge(event.nudge)) out.nudges.push({ nudge: event.nudge, at });
            break;
        }
      }
      for (const t of latest.values()) this.conversations.touch(t);
      // The sync engine indexes in larger steps of its own (opts.index false): FTS5 writes a
      // segment per committing transaction, so fewer, larger index steps cost far less.
      if (opts.index !== false) this.messages.indexPending();
      out.seq = Math.max(out.seq, advanceTo);
      this.state.setCommittedSeq(out.seq);
      return out;
    });
  }

  /** Forget everything synced (a different rep or server signed in); the outbox goes too. */
  wipe(): void {
    this.transaction(() => {
      for (const t of ['messages', 'conversations', 'leads', 'templates', 'nudges', 'outbox', 'read_state']) this.db.prepare(`DELETE FROM ${t}`).run();
      this.db.prepare('UPDATE sync_cursor SET seq = 0, user_id = NULL, server_url = NULL WHERE id = 1').run();
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
