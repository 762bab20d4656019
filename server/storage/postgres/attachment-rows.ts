// An attachment row as its record: read by attachments.ts and, joined to a message, by messages.ts.
import type { AttachmentRecord } from '../store';
import { unfetchedFrom } from '../rows';
import type { Row } from './db';

export const attachmentFrom = (r: Row): AttachmentRecord => ({
  id: r.id,
  fileName: r.file_name,
  mimeType: r.mime_type,
  size: r.size,
  kind: r.kind,
  path: r.path,
  uploadedBy: r.uploaded_by ?? null,
  createdAt: r.created_at,
  unfetched: unfetchedFrom(r.fetch_source, r.fetch_attempts, r.next_fetch_at),
  blocked: r.blocked ?? null,
});
