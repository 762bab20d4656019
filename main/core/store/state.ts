// The small bookkeeping tables: the sync cursor, settings, the outbox and received nudges.
import type Database from 'better-sqlite3';
import { statementCache } from './statements';
import type { NudgeView } from '../../../shared/domain';
import type { SendRequest } from '../../../shared/stream-protocol';

export interface OutboxFileRow {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}
export interface OutboxEntry {
  clientId: string;
  messageId: string;
  request: SendRequest;
  createdMs: number;
  attempts: number;
}

export class StateRows {
  private readonly cursorStmt: Database.Statement;
  private readonly setCursorStmt: Database.Statement;
  private readonly getSettingStmt: Database.Statement;
  private readonly setSettingStmt: Database.Statement;
  private readonly insertNudgeStmt: Database.Statement;

  private readonly q: (sql: string) => Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.q = statementCache(db);
    this.cursorStmt = db.prepare('SELECT seq, user_id, server_url FROM sync_cursor WHERE id = 1');
    this.setCursorStmt = db.prepare('UPDATE sync_cursor SET seq = ? WHERE id = 1');
    this.getSettingStmt = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.setSettingStmt = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    this.insertNudgeStmt =
      db.prepare(`INSERT INTO nudges (id, kind, lead_id, conversation_id, created_ms, data) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(id) DO NOTHING`);
  }

  /** The last sequence whose events are committed here: what `hello` resumes from. */
  committedSeq(): number {
    return (this.cursorStmt.get() as { seq: number }).seq;
  }

  setCommittedSeq(seq: number): void {
    this.setCursorStmt.run(seq);
  }

  /** Whose data this store holds; a different user or server means starting over. */
  owner(): { userId: string | null; serverUrl: string | null } {
    const r = this.cursorStmt.get() as { user_id: string | null; server_url: string | null };
    return { userId: r.user_id, serverUrl: r.server_url };
  }

  setOwner(userId: string, serverUrl: string): void {
    this.q('UPDATE sync_cursor SET user_id = ?, server_url = ? WHERE id = 1').run(userId, serverUrl);
  }

  setting<T>(key: string): T | undefined {
    const row = this.getSettingStmt.get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setSetting(key: string, value: unknown): void {
    this.setSettingStmt.run(key, JSON.stringify(value));
  }

  /** Every setting whose key starts with `prefix`, as [key, value]. */
  settingsWithPrefix(prefix: string): [string, unknown][] {
    return (
      this.q('SELECT key, value FROM settings WHERE substr(key, 1, length(?)) = ?').all(prefix, prefix) as {
        key: string;
        value: string;
      }[]
    ).map((r) => [r.key, JSON.parse(r.value) as unknown]);
  }

  deleteSetting(key: string): void {
    this.q('DELETE FROM settings WHERE key = ?').run(key);
  }

  addOutbox(e: OutboxEntry): void {
    this.q('INSERT INTO outbox (client_id, message_id, request, created_ms, attempts) VALUES (?, ?, ?, ?, ?)').run(
      e.clientId,
      e.messageId,
      JSON.stringify(e.request),
      e.createdMs,
      e.attempts,
    );
  }

  removeOutbox(clientId: string): boolean {
    return this.q('DELETE FROM outbox WHERE client_id = ?').run(clientId).changes > 0;
  }

  countAttempt(clientId: string): void {
    this.q('UPDATE outbox SET attempts = attempts + 1 WHERE client_id = ?').run(clientId);
  }

  outbox(): OutboxEntry[] {
    return (
      this.q(
        'SELECT client_id, message_id, request, created_ms, attempts FROM outbox ORDER BY created_ms, rowid',
      ).all() as { client_id: string; message_id: string; request: string; created_ms: number; attempts: number }[]
    ).map((r) => ({
      clientId: r.client_id,
      messageId: r.message_id,
      request: JSON.parse(r.request) as SendRequest,
      createdMs: r.created_ms,
      attempts: r.attempts,
    }));
  }

  /** A waiting send's request changes once its file is uploaded (it gains the attachment id). */
  setOutboxRequest(clientId: string, request: SendRequest): void {
    this.q('UPDATE outbox SET request = ? WHERE client_id = ?').run(JSON.stringify(request), clientId);
  }

  /** A file chosen offline, kept with its message (by message id, which a retry keeps) until uploaded. */
  addOutboxFile(messageId: string, file: OutboxFileRow): void {
    this.q('INSERT OR REPLACE INTO outbox_files (message_id, file_name, mime_type, bytes) VALUES (?, ?, ?, ?)').run(
      messageId,
      file.fileName,
      file.mimeType,
      Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
    );
  }

  outboxFile(messageId: string): OutboxFileRow | null {
    const r = this.q('SELECT file_name, mime_type, bytes FROM outbox_files WHERE message_id = ?').get(messageId) as
      { file_name: string; mime_type: string; bytes: Buffer } | undefined;
    return r
      ? {
          fileName: r.file_name,
          mimeType: r.mime_type,
          bytes: new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength),
        }
      : null;
  }

  hasOutboxFile(messageId: string): boolean {
    return this.q('SELECT 1 FROM outbox_files WHERE message_id = ?').get(messageId) !== undefined;
  }

  removeOutboxFile(messageId: string): void {
    this.q('DELETE FROM outbox_files WHERE message_id = ?').run(messageId);
  }

  outboxSize(): number {
    return (this.q('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }

  /** Returns false when this nudge was already stored (a replay). */
  addNudge(n: NudgeView): boolean {
    return (
      this.insertNudgeStmt.run(n.id, n.kind, n.leadId, n.conversationId, Date.parse(n.createdAt), JSON.stringify(n))
        .changes > 0
    );
  }

  nudges(limit: number): NudgeView[] {
    return (this.q('SELECT data FROM nudges ORDER BY created_ms DESC LIMIT ?').all(limit) as { data: string }[]).map(
      (r) => JSON.parse(r.data) as NudgeView,
    );
  }
}
