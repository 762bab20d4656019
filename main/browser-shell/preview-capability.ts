// Preview URLs of the browser shell: /attachments/<id>?cap=<HMAC-SHA256(secret, id)>. The page
// gets one from `attachments.preview` and loads it in <img>/<video>/<audio> like any same-origin
// file, so previews never cross the bridge as base64. The secret is random per start, so a URL
// is worthless after a restart and cannot be guessed for another id; the check is constant-time.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { attachmentPath } from '../shell-policy/attachment-response';

export interface PreviewCapability {
  /** The URL (path and query, same origin as the page) that serves this attachment. */
  urlFor(attachmentId: string): string;
  /** Whether `cap` was issued for `attachmentId` by this start. */
  allows(attachmentId: string, cap: unknown): boolean;
}

export function createPreviewCapability(secret: Buffer = randomBytes(32)): PreviewCapability {
  const mac = (id: string) => createHmac('sha256', secret).update(id, 'utf8').digest();
  return {
    urlFor: (attachmentId) => `${attachmentPath(attachmentId)}?cap=${mac(attachmentId).toString('base64url')}`,
    allows(attachmentId, cap) {
      if (typeof cap !== 'string' || cap.length === 0 || cap.length > 128) return false;
      const given = Buffer.from(cap, 'base64url');
      const expected = mac(attachmentId);
      // Lengths are public (always 32 bytes when genuine); the bytes are compared in constant time.
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
