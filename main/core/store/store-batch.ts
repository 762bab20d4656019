// One batch of stream events written into the local store, inside a transaction its caller holds:
// each event applied to its rows, and what the batch changed collected for the events and nudges
// that follow the commit. `finish` does the per-batch work (conversation previews, search index,
// cursor) once.
import type { MessageView, NudgeSettings, NudgeView } from '../../../shared/domain';
import type { StreamEvent } from '../../../shared/stream-protocol';
import { previewOf, type PreparedMessage, type WritableEvent } from './prepared';
import type { ConversationRows, ConversationTouch } from './conversations';
import type { MessageRows } from './messages';
import type { LeadRows } from './leads';
import type { StateRows } from './state';

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
  /** The rep's Carter settings as the server last sent them in this batch. */
  nudgeSettings?: NudgeSettings;
  /** With `viewsAsJson`: each conversation's stored views as one JSON array (`messages` stays empty).
   * With `views`, only the conversations it names are listed, in either form. */
  messagesJson?: Map<string, string[]>;
  /** As received from the store writer's thread: [conversationId, JSON array of views]; parsed only if someone listens. */
  messagesWire?: [string, string][];
  /** Watched conversations the batch changed without listing their views (the writer learnt
   * they were watched only after the batch began): whoever shows them reads them back. */
  viewsStale?: string[];
}

export interface BatchOptions {
  /** Put new messages into the search index in the same transaction (default true). */
  index?: boolean;
  /** Hand views back as the JSON the rows hold (for another thread) instead of objects. */
  viewsAsJson?: boolean;
  /** The conversations whose changed messages someone shows (default: all). A backlog touches
   * thousands of conversations while the rep has a handful open; views of the others would be
   * built, copied across threads and dropped. */
  views?: ReadonlySet<string>;
}

/** The rows a batch writes. */
export interface BatchRows {
  messages: MessageRows;
  leads: LeadRows;
  conversations: ConversationRows;
  state: StateRows;
}

/** What a caller holding the transaction open adds events to. */
export interface Batch {
  add(events: readonly WritableEvent[]): void;
  addOne(event: WritableEvent): void;
  finish(advanceTo?: number): BatchOutcome;
}

const pushTo = <T>(map: Map<string, T[]>, key: string, value: T): void => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export class StoreBatch implements Batch {
  readonly out: BatchOutcome;
  /** Views cross to another thread as the JSON the row already holds: cheaper than cloning objects. */
  private readonly asJson: Map<string, string[]> | null;
  /** A send the server confirms leaves the outbox; with nothing waiting there (every backlog the rep
   * did not send from this device) the per-message lookup is skipped. The count is read inside the
   * transaction, so no send can slip in between. */
  private readonly outboxEmpty: boolean;
  /** A conversation's preview follows only its newest message of the batch. */
  private readonly latest = new Map<string, ConversationTouch>();

  constructor(
    private readonly rows: BatchRows,
    private readonly opts: BatchOptions = {},
  ) {
    this.out = {
      seq: rows.state.committedSeq(),
      duplicates: 0,
      messages: new Map(),
      conversations: new Set(),
      unreadTouched: new Set(),
      leadsChanged: false,
      templatesChanged: false,
      outboxResolved: 0,
      nudges: [],
    };
    this.asJson = opts.viewsAsJson ? (this.out.messagesJson = new Map<string, string[]>()) : null;
    this.outboxEmpty = rows.state.outboxSize() === 0;
  }

  add(events: readonly WritableEvent[]): void {
    for (const e of events) this.addOne(e);
  }

  addOne(e: WritableEvent): void {
    const seq = Array.isArray(e) ? e[0] : e.seq;
    if (seq <= this.out.seq) {
      this.out.duplicates++;
      return;
    }
    this.out.seq = seq;
    if (Array.isArray(e)) this.addPrepared(e);
    else this.apply(e.event, e.at);
  }

  finish(advanceTo = 0): BatchOutcome {
    const { rows, out } = this;
    for (const t of this.latest.values()) rows.conversations.touch(t);
    // The sync engine indexes in larger steps of its own (opts.index false): FTS5 writes a
    // segment per committing transaction, so fewer, larger index steps cost far less.
    if (this.opts.index !== false) rows.messages.indexPending();
    out.seq = Math.max(out.seq, advanceTo);
    rows.state.setCommittedSeq(out.seq);
    return out;
  }

  /** A message prepared for its INSERT (prepared.ts): the hot path of a backlog. */
  private addPrepared(e: PreparedMessage): void {
    const [, , , clientId, conversationId, leadId, channel, direction, , , createdMs, createdAt, preview] = e;
    const { json } = this.rows.messages.upsertPrepared(e);
    this.newest({ conversationId, leadId, channel, createdAt, createdMs, preview });
    this.noteMessage(conversationId, clientId, direction === 'inbound', json);
  }

  private apply(event: StreamEvent, at: string): void {
    const { rows, out } = this;
    switch (event.type) {
      case 'message.upserted':
        this.addMessage(event.message);
        break;
      case 'conversation.upserted':
        rows.conversations.upsert(event.conversation);
        this.touched(event.conversation.id, true);
        break;
      case 'conversation.read':
        if (rows.conversations.setRead(event.conversationId, event.readUpTo, false))
          this.touched(event.conversationId, true);
        break;
      case 'lead.upserted':
        rows.leads.upsert(event.lead);
        out.leadsChanged = true;
        for (const c of rows.conversations.ofLead(event.lead.id)) out.conversations.add(c.id);
        break;
      case 'lead.removed':
        this.removeLead(event.leadId);
        break;
      case 'template.upserted':
        rows.leads.upsertTemplate(event.template);
        out.templatesChanged = true;
        break;
      case 'template.removed':
        rows.leads.removeTemplate(event.templateId);
        out.templatesChanged = true;
        break;
      case 'nudge':
        if (rows.state.addNudge(event.nudge)) out.nudges.push({ nudge: event.nudge, at });
        break;
      case 'nudge-settings.changed':
        // Applied by the core after the commit (main/core/nudge-settings-sync.ts); the last one wins.
        out.nudgeSettings = event.settings;
        break;
    }
  }

  private addMessage(m: Extract<StreamEvent, { type: 'message.upserted' }>['message']): void {
    const { view, json } = this.rows.messages.upsertFromServerAsJson(m);
    this.newest({
      conversationId: m.conversationId,
      leadId: m.leadId,
      channel: m.channel,
      createdAt: m.createdAt,
      createdMs: Date.parse(m.createdAt),
      preview: previewOf(m),
    });
    this.noteMessage(view.conversationId, m.clientId, view.direction === 'inbound', json, view);
  }

  private removeLead(leadId: string): void {
    for (const c of this.rows.conversations.ofLead(leadId)) this.touched(c.id, true);
    this.rows.leads.remove(leadId);
    for (const [id, m] of this.latest) if (m.leadId === leadId) this.latest.delete(id);
    this.out.leadsChanged = true;
  }

  private touched(conversationId: string, unread: boolean): void {
    this.out.conversations.add(conversationId);
    if (unread) this.out.unreadTouched.add(conversationId);
  }

  private newest(t: ConversationTouch): void {
    const before = this.latest.get(t.conversationId);
    if (!before || before.createdMs <= t.createdMs) this.latest.set(t.conversationId, t);
  }

  /** A stored message: the outbox learns the server has it, and the outcome lists it. */
  private noteMessage(
    conversationId: string,
    clientId: string | null,
    inbound: boolean,
    json: string,
    view?: MessageView,
  ): void {
    if (clientId && !this.outboxEmpty && this.rows.state.removeOutbox(clientId)) this.out.outboxResolved++;
    if (!this.opts.views || this.opts.views.has(conversationId)) this.listView(conversationId, json, view);
    this.touched(conversationId, inbound);
  }

  private listView(conversationId: string, json: string, view?: MessageView): void {
    if (this.asJson) pushTo(this.asJson, conversationId, json);
    else pushTo(this.out.messages, conversationId, view ?? (JSON.parse(json) as MessageView));
  }
}
