// How both shells answer a request for an attachment preview (Electron: app://converse/
// attachments/<id>, browser shell: /attachments/<id>?cap=…). The bytes come from the lead, so
// the answer must never let them act as part of the app: only images (not SVG, which can carry
// script), video and audio are served inline under their own type; anything else is an opaque
// download. Every answer is nosniff, sandboxed by its own CSP and names the file safely.
import { baseMimeType } from '../../shared/file-name';
import { safeDownloadName } from './download-name';
import { CallErrorCode, ErrorCode } from '../../shared/error-codes';

/** The file as DesktopCore.fetchAttachment returns it. */
export interface AttachmentFile {
  bytes: Uint8Array;
  mimeType: string;
  fileName?: string | null;
}

export type FetchAttachment = (attachmentId: string) => Promise<AttachmentFile>;

export interface AttachmentAnswer {
  status: number;
  headers: Record<string, string>;
  /** Empty for HEAD and for errors answered as text. */
  body: Uint8Array;
}

const PATH_PREFIX = '/attachments/';
/** Ids are server-made (UUIDs or similar): a tight pattern keeps paths, dots and odd bytes out. */
const ATTACHMENT_ID = /^[A-Za-z0-9_-]{1,128}$/;
const INLINE_TYPE =
  /^(image\/(png|jpeg|gif|webp|avif|bmp)|video\/(mp4|webm|ogg|3gpp|quicktime)|audio\/(mpeg|mp4|aac|ogg|wav|webm|amr|x-wav|3gpp))$/;

/** The attachment id of a preview path, or null when the path is not one. */
export function attachmentIdFromPath(pathname: string): string | null {
  if (!pathname.startsWith(PATH_PREFIX)) return null;
  let id: string;
  try {
    id = decodeURIComponent(pathname.slice(PATH_PREFIX.length));
  } catch {
    return null;
  }
  return ATTACHMENT_ID.test(id) ? id : null;
}

/** The path under which a shell serves an attachment (the id is encoded even though it is tight). */
export function attachmentPath(attachmentId: string): string {
  return `${PATH_PREFIX}${encodeURIComponent(attachmentId)}`;
}

/** The type to serve: the attachment's own when it is a safe inline media type, else a download. */
export function servedType(mimeType: string): { type: string; inline: boolean } {
  const base = baseMimeType(mimeType);
  return INLINE_TYPE.test(base) ? { type: base, inline: true } : { type: 'application/octet-stream', inline: false };
}

/**
 * A Content-Disposition that no file name can break: a plain ASCII fallback in quotes (no quotes,
 * backslashes or control characters left) and the real name RFC 5987-encoded.
 */
export function contentDisposition(fileName: string | null | undefined, inline: boolean): string {
  const safe = safeDownloadName(fileName ?? 'attachment');
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  // Opened on its own, the file is an opaque-origin document that can run nothing.
  'Content-Security-Policy': "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

function textAnswer(status: number, text: string): AttachmentAnswer {
  return {
    status,
    headers: { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    body: new TextEncoder().encode(text + '\n'),
  };
}

/** A single `bytes=a-b` range within `size`, null for none or one we do not serve (then: whole file). */
export function parseRange(
  header: string | null | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

export interface AttachmentRequest {
  attachmentId: string;
  method: string;
  range?: string | null;
}

/** Fetch the file through the core and shape the answer; core failures become clear text errors. */
export async function answerAttachment(
  req: AttachmentRequest,
  fetchAttachment: FetchAttachment | undefined,
): Promise<AttachmentAnswer> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return textAnswer(405, 'Method not allowed.');
  if (!fetchAttachment) return textAnswer(404, 'Previews are not available in this build.');
  let file: AttachmentFile;
  try {
    file = await fetchAttachment(req.attachmentId);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message : String(err);
    const status =
      code === ErrorCode.NOT_FOUND
        ? 404
        : code === ErrorCode.UNAUTHORIZED || code === CallErrorCode.NOT_SIGNED_IN
          ? 401
          : code === ErrorCode.FORBIDDEN
            ? 403
            : 502;
    return textAnswer(status, `The file could not be fetched: ${message}`);
  }
  const { type, inline } = servedType(file.mimeType);
  const size = file.bytes.byteLength;
  const headers: Record<string, string> = {
    ...BASE_HEADERS,
    'Content-Type': type,
    'Content-Disposition': contentDisposition(file.fileName, inline),
    // The same id always names the same bytes; private: never in a shared cache.
    'Cache-Control': 'private, max-age=3600',
    'Accept-Ranges': 'bytes',
  };
  const range = parseRange(req.range, size);
  if (range === 'unsatisfiable') {
    return {
      status: 416,
      headers: { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' },
      body: new Uint8Array(0),
    };
  }
  const part = range ? file.bytes.subarray(range.start, range.end + 1) : file.bytes;
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  headers['Content-Length'] = String(part.byteLength);
  return { status: range ? 206 : 200, headers, body: req.method === 'HEAD' ? new Uint8Array(0) : part };
}
