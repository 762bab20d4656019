// The desktop's local copy of everything the rep can see. The sync engine applies stream
// events here, one transaction per batch, with the cursor moved in the same transaction, so
// the committed sequence and the data can never disagree.
import type Database from 'better-sqlite3';
import type { MessageView } from '../../../shared/domain';
import type { SendRequest } from '../../../shared/stream-protocol';
import type { WritableEvent } from './prepared';
import { StoreBatch, type Batch, type BatchOptions, type BatchOutcome } from './store-batch';
import { openDatabase, type OpenOptions } from './open-database';
import { MessageRows } from './messages';
import { LeadRows } from './leads';
import { ConversationRows } from './conversations';
import { StateRows } from './state';

/** An unsent message kept aside while another rep uses this store. */
export interface ParkedSend {
  message: MessageView;
  request: SendRequest;
  createdMs: number;
  attempts: number;
}

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

export type { BatchOptions, BatchOutcome } from './store-batch';

export class LocalStore {
  readonly messages: MessageRows;
  readonly leads: LeadRows;
  readonly conversations: ConversationRows;
  readonly state: StateRows;

  private constructor(
    readonly db: Database.Database,
    readonly file: string,
    readonly recoveredFrom: string | null,
  ) {
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
  beginBatch(opts: BatchOptions = {}): Batch {
    return new StoreBatch(this, opts);
  }

  /**
   * Forget everything synced (a different rep or server signed in). The previous rep's unsent
   * messages are not lost: they are parked in the settings table (which a wipe keeps) under that
   * rep and server, and come back to the outbox when that rep signs in here again (restoreParked).
   */
  wipe(): void {
    this.transaction(() => {
      const owner = this.state.owner();
      const unsent = this.db
        .prepare(
          `SELECT o.client_id, o.request, o.created_ms, o.attempts, m.data FROM outbox o
        JOIN messages m ON m.id = o.message_id ORDER BY o.created_ms, o.rowid`,
        )
        .all() as { client_id: string; request: string; created_ms: number; attempts: number; data: string }[];
      if (unsent.length > 0) {
        // With no owner recorded (a store from before owners were kept), the sends are kept
        // under "unknown": never resent as whoever signs in next, but not thrown away either.
        const key =
          owner.userId && owner.serverUrl ? parkedKey(owner.userId, owner.serverUrl) : 'outbox.parked:unknown';
        const parked = this.state.setting<ParkedSend[]>(key) ?? [];
        for (const u of unsent)
          parked.push({
            message: JSON.parse(u.data) as MessageView,
            request: JSON.parse(u.request) as SendRequest,
            createdMs: u.created_ms,
            attempts: u.attempts,
          });
        this.state.setSetting(key, parked);
      }
      // The search index is emptied as a whole and its watermark goes back to 0 BEFORE the rows
      // go: row ids restart from 1 after the wipe, and a watermark left at the old top would
      // mark the next rep's first messages as indexed when they are not; deleting or editing
      // such a row later then corrupts the FTS5 index ("database disk image is malformed").
      this.db.prepare('UPDATE search_watermark SET seq = 0 WHERE id = 1').run();
      for (const t of ['messages', 'conversations', 'leads', 'templates', 'nudges', 'outbox', 'read_state'])
        this.db.prepare(`DELETE FROM ${t}`).run();
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
        this.state.addOutbox({
          clientId: p.request.clientId,
          messageId: p.message.id,
          request: p.request,
          createdMs: p.createdMs,
          attempts: p.attempts,
        });
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
