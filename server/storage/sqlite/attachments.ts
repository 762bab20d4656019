// Attachments on SQLite: uploads and their quota, files leads sent, and inbound files still to
// download (fetch_source set until the file arrives).
import type { AttachmentStore } from '../attachment-store';
import type { AttachmentRecord, MessageRecord, UnfetchedMedia } from '../records';
import type { SqliteConnection } from './connection';
import { attachmentFrom, readMessages, type AttachmentRow } from './message-rows';

type FetchedFile = Parameters<AttachmentStore['completeFetch']>[1];

export class SqliteAttachments implements AttachmentStore {
  constructor(private readonly c: SqliteConnection) {}

  async createAttachment(a: Omit<AttachmentRecord, 'createdAt'>, at: string) {
    this.c.run(
      'INSERT INTO attachments (id, file_name, mime_type, size, kind, path, uploaded_by, created_at, blocked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      a.id,
      a.fileName,
      a.mimeType,
      a.size,
      a.kind,
      a.path,
      a.uploadedBy,
      at,
      a.blocked ?? null,
    );
    return { ...a, createdAt: at };
  }
  async getAttachment(id: string) {
    const r = this.c.get<AttachmentRow>('SELECT * FROM attachments WHERE id = ?', id);
    return r ? attachmentFrom(r) : null;
  }
  async createUnfetchedAttachment(
    a: Omit<AttachmentRecord, 'createdAt' | 'path' | 'size' | 'unfetched'>,
    source: UnfetchedMedia['source'],
    nextFetchAt: string | null,
    at: string,
  ) {
    this.c.run(
      `INSERT INTO attachments (id, file_name, mime_type, size, kind, path, uploaded_by, created_at, fetch_source, fetch_attempts, next_fetch_at)
      VALUES (?, ?, ?, 0, ?, '', ?, ?, ?, 1, ?)`,
      a.id,
      a.fileName,
      a.mimeType,
      a.kind,
      a.uploadedBy,
      at,
      JSON.stringify(source),
      nextFetchAt,
    );
    return (await this.getAttachment(a.id))!;
  }
  async recordFetchFailure(id: string, nextFetchAt: string | null) {
    return this.c.tx(() => {
      this.c.run(
        'UPDATE attachments SET fetch_attempts = fetch_attempts + 1, next_fetch_at = ? WHERE id = ? AND fetch_source IS NOT NULL',
        nextFetchAt,
        id,
      );
      return this.messagesWithAttachmentSync(id);
    });
  }
  private messagesWithAttachmentSync(id: string): MessageRecord[] {
    return readMessages(this.c, 'm.attachment_id = ? ORDER BY m.seq', id);
  }
  async completeFetch(id: string, file: FetchedFile) {
    return this.c.tx(() => {
      this.c.run(
        `UPDATE attachments SET file_name = ?, mime_type = ?, size = ?, kind = ?, path = ?, blocked = ?, fetch_source = NULL, next_fetch_at = NULL
        WHERE id = ? AND fetch_source IS NOT NULL`,
        file.fileName,
        file.mimeType,
        file.size,
        file.kind,
        file.path,
        file.blocked ?? null,
        id,
      );
      return this.messagesWithAttachmentSync(id);
    });
  }
  async unfetchedAttachments() {
    return this.c
      .all<AttachmentRow>(
        'SELECT * FROM attachments WHERE fetch_source IS NOT NULL AND next_fetch_at IS NOT NULL ORDER BY next_fetch_at',
      )
      .map(attachmentFrom);
  }
  async attachmentLeadIds(id: string) {
    return this.c
      .all<{ lead_id: string }>('SELECT DISTINCT lead_id FROM messages WHERE attachment_id = ?', id)
      .map((r) => r.lead_id);
  }
  async unsentUploads(userId: string) {
    const r = this.c.get<{ n: number; bytes: number }>(
      `SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM attachments a
      WHERE a.uploaded_by = ? AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.attachment_id = a.id)`,
      userId,
    )!;
    return { count: r.n, bytes: r.bytes };
  }
  async deleteUnsentUploads(before: string, limit: number) {
    // One transaction: a message that takes the upload between the select and the delete cannot exist.
    return this.c.tx(() => {
      const gone = this.c.all<{ id: string; path: string }>(
        `SELECT id, path FROM attachments a
        WHERE a.uploaded_by IS NOT NULL AND a.created_at < ? AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.attachment_id = a.id)
        ORDER BY a.created_at LIMIT ?`,
        before,
        limit,
      );
      for (const g of gone) this.c.run('DELETE FROM attachments WHERE id = ?', g.id);
      return gone;
    });
  }
}
