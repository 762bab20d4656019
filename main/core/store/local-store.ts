// The desktop's local copy of everything the rep can see. The sync engine applies stream
// events here, one transaction per batch, with the cursor moved in the same transaction, so
// the committed sequence and the data can never disagree.
import type Database from 'better-sqlite3';
import type { MessageView, NudgeSettings, NudgeView } from '../../../shared/domain';
import type { SendRequest } from '../../../shared/stream-protocol';
import { previewOf, type WritableEvent } from './prepared';
import type { ConversationTouch } from './conversations';
import { openDatabase, type OpenOptions } from './open-database';
import { MessageRows } from './messages';
import { LeadRows } from './leads';
import { ConversationRows } from './conversations';
import { StateRows } from './state';

/** An unsent message kept aside while another rep uses this store. */
export interface ParkedSend { message: MessageView; request: SendRequest; createdMs: number; attempts: number }

/** One server as the store compares them: "http://127.0.0.1:80/" and "http://127.0.0.1" are the same. */
export function serverKey(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return url.trim().replace(/\/+$/, '').toLowerCase();
  }
}

const parkedKey = (userId: string, serverUrl: string) => `outbox.parked:${userId}@${serverKey(serverUrl)}`;

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

  /**
   * A write transaction. IMMEDIATE: two connections write this file (the core's and the sync
   * writer's), and a deferred transaction that reads first (the committed sequence, the outbox
   * size) would fail with SQLITE_BUSY_SNAPSHOT, without waiting, if the other one committed
   * between its first read and its first write. Taking the write lock at BEGIN waits instead.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * Apply a batch of stream events in one transaction; events already committed are skipped.
   * `advanceTo` moves the cursor past events of the batch that could not be read.
   * Messages enter the search index in the same transaction unless `index` is false.
   */
  applyEvents(events: readonly WritableEvent[], advanceTo = 0, opts: BatchOptions = {}): BatchOutcome {
    return this.transaction(() => {
      const batch = this.beginBatch(opts);
      batch.add(events);
      return batch.finish(advanceTo);
    });
  }

  /**
   * applyEvents in parts, for a caller that holds the transaction open itself (the store
   * writer): events are added as they are parsed, so what it takes to write one is garbage
   * before the next however large the batch, and `finish` does the per-batch work
   * (conversation previews, search index, cursor) once. Call everything inside one `transaction`.
   */
  beginBatch(opts: BatchOptions = {}): { add(events: readonly WritableEvent[]): void; addOne(event: WritableEvent): void; finish(advanceTo?: number): BatchOutcome } {
    const out: BatchOutcome = {
      seq: this.state.committedSeq(), duplicates: 0, messages: new Map(), conversations: new Set(), unreadTouched: new Set(),
      leadsChanged: false, templatesChanged: false, outboxResolved: 0, nudges: [],
    };
    // Views cross to another thread as the JSON the row already holds: cheaper than cloning objects.
    const asJson = opts.viewsAsJson ? (out.messagesJson = new Map<string, string[]>()) : null;
    // A send the server confirms leaves the outbox; with nothing waiting there (every backlog
    // the rep did not send from this device) the per-message lookup is skipped. The count is
    // read inside this transaction, so no send can slip in between.
    const outboxEmpty = this.state.outboxSize() === 0;
    /** A stored message: the outbox learns the server has it, and the outcome lists it. */
    const noteMessage = (conversationId: string, clientId: string | null, inbound: boolean, json: string, view?: MessageView): void => {
      if (clientId && !outboxEmpty && this.state.removeOutbox(clientId)) out.outboxResolved++;
      if (!opts.views || opts.views.has(conversationId)) {
        if (asJson) {
          const list = asJson.get(conversationId);
          if (list) list.push(json); else asJson.set(conversationId, [json]);
        } else {
          const v = view ?? (JSON.parse(json) as MessageView);
          const list = out.messages.get(conversationId);
          if (list) list.push(v); else out.messages.set(conversationId, [v]);
        }
      }
      out.conversations.add(conversationId);
      if (inbound) out.unreadTouched.add(conversationId);
    };
    // A conversation's preview follows only its newest message of the batch.
    const latest = new Map<string, ConversationTouch>();
    const newest = (t: ConversationTouch) => {
      const before = latest.get(t.conversationId);
      if (!before || before.createdMs <= t.createdMs) latest.set(t.conversationId, t);
    };
    const addOne = (e: WritableEvent): void => {
      if (Array.isArray(e)) {
        // A message prepared for its INSERT (prepared.ts): the hot path of a backlog.
        const [seq, , , clientId, conversationId, leadId, channel, direction, , , createdMs, createdAt, preview] = e;
        if (seq <= out.seq) { out.duplicates++; return; }
        out.seq = seq;
        const { json } = this.messages.upsertPrepared(e);
        newest({ conversationId, leadId, channel, createdAt, createdMs, preview });
        noteMessage(conversationId, clientId, direction === 'inbound', json);
        return;
      }
      const { seq, at, event } = e;
      if (seq <= out.seq) { out.duplicates++; return; }
      out.seq = seq;
      switch (event.type) {
        case 'message.upserted': {
          const { view, json } = this.messages.upsertFromServerAsJson(event.message);
          const m = event.message;
          newest({ conversationId: m.conversationId, leadId: m.leadId, channel: m.channel, createdAt: m.createdAt, createdMs: Date.parse(m.createdAt), preview: previewOf(m) });
          noteMessage(view.conversationId, m.clientId, view.direction === 'inbound', json, view);
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
        case 'nudge-settings.changed':
          // Applied by the core after the commit (main/core/nudge-settings-sync.ts); the last one wins.
          out.nudgeSettings = event.settings;
          break;
      }
    };
    const finish = (advanceTo = 0): BatchOutcome => {
      for (const t of latest.values()) this.conversations.touch(t);
      // The sync engine indexes in larger steps of its own (opts.index false): FTS5 writes a
      // segment per committing transaction, so fewer, larger index steps cost far less.
      if (opts.index !== false) this.messages.indexPending();
      out.seq = Math.max(out.seq, advanceTo);
      this.state.setCommittedSeq(out.seq);
      return out;
    };
    return { add: (events) => { for (const e of events) addOne(e); }, addOne, finish };
  }

  /**
   * Forget everything synced (a different rep or server signed in). The previous rep's unsent
   * messages are not lost: they are parked in the settings table (which a wipe keeps) under that
   * rep and server, and come back to the outbox when that rep signs in here again (restoreParked).
   */
  wipe(): void {
    this.transaction(() => {
      const owner = this.state.owner();
      const unsent = this.db.prepare(`SELECT o.client_id, o.request, o.created_ms, o.attempts, m.data FROM outbox o
        JOIN messages m ON m.id = o.message_id ORDER BY o.created_ms, o.rowid`).all() as { client_id: string; request: string; created_ms: number; attempts: number; data: string }[];
      if (unsent.length > 0) {
        // With no owner recorded (a store from before owners were kept), the sends are kept
        // under "unknown": never resent as whoever signs in next, but not thrown away either.
        const key = owner.userId && owner.serverUrl ? parkedKey(owner.userId, owner.serverUrl) : 'outbox.parked:unknown';
        const parked = this.state.setting<ParkedSend[]>(key) ?? [];
        for (const u of unsent) parked.push({ message: JSON.parse(u.data) as MessageView, request: JSON.parse(u.request) as SendRequest, createdMs: u.created_ms, attempts: u.attempts });
        this.state.setSetting(key, parked);
      }
      // The search index is emptied as a whole and its watermark goes back to 0 BEFORE the rows
      // go: row ids restart from 1 after the wipe, and a watermark left at the old top would
      // mark the next rep's first messages as indexed when they are not; deleting or editing
      // such a row later then corrupts the FTS5 index ("database disk image is malformed").
      this.db.prepare('UPDATE search_watermark SET seq = 0 WHERE id = 1').run();
      for (const t of ['messages', 'conversations', 'leads', 'templates', 'nudges', 'outbox', 'read_state']) this.db.prepare(`DELETE FROM ${t}`).run();
      this.db.prepare("INSERT INTO messages_fts(messages_fts) VALUES ('delete-all')").run();
      this.db.prepare('UPDATE sync_cursor SET seq = 0, user_id = NULL, server_url = NULL WHERE id = 1').run();
    });
  }

  /** Put this rep's parked unsent messages (see wipe) back into the outbox; returns how many. */
  restoreParked(userId: string, serverUrl: string): number {
    return this.transaction(() => {
      const key = parkedKey(userId, serverUrl);
      const parked = this.state.setting<ParkedSend[]>(key);
      if (!parked) return 0;
      let restored = 0;
      for (const p of parked) {
        if (this.messages.getByClientId(p.request.clientId)) continue;
        this.messages.insertLocal(p.message, p.request);
        this.state.addOutbox({ clientId: p.request.clientId, messageId: p.message.id, request: p.request, createdMs: p.createdMs, attempts: p.attempts });
        restored++;
      }
      this.state.deleteSetting(key);
      return restored;
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
