// A file a lead sent, as it is kept: the type from its bytes (never the provider's claim nor the
// name), a plain name (shared/file-name.ts), and the attachment policy's verdict. A file that
// could harm the rep's computer is kept but blocked: never previewed (its kind is "document"),
// never downloadable (routes-attachments answers 403), and the rep is told why.
import { leadFileVerdict } from '../../shared/attachment-policy';
import type { AttachmentBlockReason, AttachmentKind } from '../../shared/domain';
import { leadFileName } from '../../shared/file-name';
import { sniffMimeType, svgCarriesScript } from './sniff';

/** What to store for a lead's file besides its id and path. */
export interface LeadFileFacts {
  fileName: string;
  mimeType: string;
  size: number;
  kind: AttachmentKind;
  blocked: AttachmentBlockReason | null;
}

const UNKNOWN_TYPE = 'application/octet-stream';

function kindOf(mime: string): AttachmentKind {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}

/** Sniff, name and judge the bytes a provider delivered; `claimedName` is the sender's, or null. */
export async function leadFileFacts(bytes: Uint8Array, claimedName: string | null): Promise<LeadFileFacts> {
  const sniffed = await sniffMimeType(bytes, claimedName ?? undefined);
  const mimeType = sniffed ?? UNKNOWN_TYPE;
  const fileName = leadFileName(claimedName, mimeType);
  const verdict = leadFileVerdict({
    mimeType: sniffed,
    fileName,
    scripted: sniffed === 'image/svg+xml' && svgCarriesScript(bytes),
  });
  const blocked = verdict.allowed ? null : verdict.reason;
  return { fileName, mimeType, size: bytes.byteLength, kind: blocked ? 'document' : kindOf(mimeType), blocked };
}
