// Attachments on PostgreSQL: the AttachmentStore part of the seam, mirroring sqlite.ts. Only the
// records live here; the bytes stay files at `path`, on a volume every node mounts.
import type { AttachmentStore } from '../attachment-store';
import type { Db, Sql } from './db';
import { attachmentFrom } from './attachment-rows';
import { MESSAGE_SQL } from '../rows';
import { messageFrom } from './messages';

async function messagesWithAttachment(s: Sql, id: string) {
  return (await s.rows(`${MESSAGE_SQL} WHERE m.attachment_id = $1 ORDER BY m.seq`, [id])).map(messageFrom);
}

export function attachmentStore(db: Db): AttachmentStore {
  const getAttachment = async (id: string) => {
    const r = await db.one('SELECT * FROM attachments WHERE id = $1', [id]);
    return r ? attachmentFrom(r) : null;
  };
  return {
    async createAttachment(a, at) {
      await db.run(
        `INSERT INTO attachments (id, file_name, mime_type, size, kind, path, uploaded_by, created_at, blocked)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [a.id, a.fileName, a.mimeType, a.size, a.kind, a.path, a.uploadedBy, at, a.blocked ?? null],
      );
      return { ...a, createdAt: at };
    },
    getAttachment,
    async createUnfetchedAttachment(a, source, nextFetchAt, at) {
      await db.run(
        `INSERT INTO attachments (id, file_name, mime_type, size, kind, path, uploaded_by, created_at, fetch_source, fetch_attempts, next_fetch_at)
        VALUES ($1, $2, $3, 0, $4, '', $5, $6, $7, 1, $8)`,
        [a.id, a.fileName, a.mimeType, a.kind, a.uploadedBy, at, JSON.stringify(source), nextFetchAt],
      );
      return (await getAttachment(a.id))!;
    },
    recordFetchFailure(id, nextFetchAt) {
      return db.tx(async (s) => {
        await s.run(
          'UPDATE attachments SET fetch_attempts = fetch_attempts + 1, next_fetch_at = $1 WHERE id = $2 AND fetch_source IS NOT NULL',
          [nextFetchAt, id],
        );
        return messagesWithAttachment(s, id);
      });
    },
    completeFetch(id, file) {
      return db.tx(async (s) => {
        await s.run(
          `UPDATE attachments SET file_name = $1, mime_type = $2, size = $3, kind = $4, path = $5, blocked = $6,
          fetch_source = NULL, next_fetch_at = NULL WHERE id = $7 AND fetch_source IS NOT NULL`,
          [file.fileName, file.mimeType, file.size, file.kind, file.path, file.blocked ?? null, id],
        );
        return messagesWithAttachment(s, id);
      });
    },
    async unfetchedAttachments() {
      return (
        await db.rows(
          'SELECT * FROM attachments WHERE fetch_source IS NOT NULL AND next_fetch_at IS NOT NULL ORDER BY next_fetch_at',
        )
      ).map(attachmentFrom);
    },
    async attachmentLeadIds(id) {
      return (
        await db.rows<{ lead_id: string }>('SELECT DISTINCT lead_id FROM messages WHERE attachment_id = $1', [id])
      ).map((r) => r.lead_id);
    },
    async unsentUploads(userId) {
      const r = (await db.one<{ n: number; bytes: number }>(
        `SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM attachments a
        WHERE a.uploaded_by = $1 AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.attachment_id = a.id)`,
        [userId],
      ))!;
      return { count: r.n, bytes: r.bytes };
    },
    deleteUnsentUploads(before, limit) {
      // One transaction, rows locked: a message cannot take an upload between the select and the delete.
      return db.tx(async (s) => {
        const gone = await s.rows<{ id: string; path: string }>(
          `SELECT id, path FROM attachments a
          WHERE a.uploaded_by IS NOT NULL AND a.created_at < $1 AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.attachment_id = a.id)
          ORDER BY a.created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [before, limit],
        );
        if (gone.length) await s.run('DELETE FROM attachments WHERE id = ANY($1)', [gone.map((g) => g.id)]);
        return gone;
      });
    },
  };
}
