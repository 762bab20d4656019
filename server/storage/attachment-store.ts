// Attachments: uploads and their quota, files leads sent, and inbound files still to download. One
// part of the storage seam (server/storage/store.ts).
import type { AttachmentBlockReason, AttachmentKind } from '../../shared/domain';
import type { AttachmentRecord, MessageRecord, UnfetchedMedia } from './records';

export interface AttachmentStore {
  createAttachment(a: Omit<AttachmentRecord, 'createdAt'>, at: string): Promise<AttachmentRecord>;
  getAttachment(id: string): Promise<AttachmentRecord | null>;
  /** An inbound attachment whose file could not be downloaded: kept with where to fetch it from. */
  createUnfetchedAttachment(
    a: Omit<AttachmentRecord, 'createdAt' | 'path' | 'size' | 'unfetched'>,
    source: UnfetchedMedia['source'],
    nextFetchAt: string | null,
    at: string,
  ): Promise<AttachmentRecord>;
  /** Another failed download: count it and set the next try (null: no more automatic tries). Returns the messages carrying it. */
  recordFetchFailure(id: string, nextFetchAt: string | null): Promise<MessageRecord[]>;
  /** The file arrived: the attachment becomes an ordinary one. Returns the messages carrying it. */
  completeFetch(
    id: string,
    file: {
      fileName: string;
      mimeType: string;
      size: number;
      kind: AttachmentKind;
      path: string;
      blocked?: AttachmentBlockReason | null;
    },
  ): Promise<MessageRecord[]>;
  /** Attachments still to fetch, soonest first (with a next try set). */
  unfetchedAttachments(): Promise<AttachmentRecord[]>;
  /** Whether the user may download this attachment (uploaded it, or it is on a message of a lead they see). */
  attachmentLeadIds(id: string): Promise<string[]>;
  /** A user's uploads not on any message yet: how many and their bytes (the upload quota). */
  unsentUploads(userId: string): Promise<{ count: number; bytes: number }>;
  /** Delete up to `limit` uploads created before `before` that no message carries; returns what went, for its files. */
  deleteUnsentUploads(before: string, limit: number): Promise<{ id: string; path: string }[]>;
}
