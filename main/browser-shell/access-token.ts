// The bridge's access token: random per start, compared in constant time (hashing both sides
// first makes the comparison length-independent, since timingSafeEqual needs equal lengths).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newAccessToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 512) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
