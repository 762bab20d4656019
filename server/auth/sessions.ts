// Session tokens: 32 random bytes given to the client once; only their SHA-256 is stored, so a
// copy of the database does not sign anyone in. Tokens are never logged (see app.ts redaction).
import { createHash, randomBytes } from 'node:crypto';
import type { Store, UserRecord, SessionRecord } from '../storage/store';
import { verifyPassword } from './passwords';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export interface Authenticated {
  user: UserRecord;
  session: SessionRecord;
}

export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  /** Check an email and password; null when either is wrong (the caller does not say which). */
  async signIn(
    email: string,
    password: string,
  ): Promise<{ token: string; expiresAt: string; user: UserRecord } | null> {
    const user = await this.store.getUserByEmail(email);
    // Hash anyway for an unknown email so timing does not reveal which accounts exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || !user.active) return null;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + SESSION_TTL_MS).toISOString();
    await this.store.createSession(user.id, hashToken(token), expiresAt);
    return { token, expiresAt, user };
  }

  /** Resolve a bearer token: null when missing, unknown, expired or revoked, or the user is inactive. */
  async authenticate(token: string | null | undefined): Promise<Authenticated | { revoked: true } | null> {
    if (!token || token.length > 200) return null;
    const session = await this.store.sessionByTokenHash(hashToken(token));
    if (!session) return null;
    if (session.revokedAt) return { revoked: true };
    if (Date.parse(session.expiresAt) <= this.now().getTime()) return null;
    const user = await this.store.getUser(session.userId);
    if (!user || !user.active) return { revoked: true };
    return { user, session };
  }
}

/** A valid scrypt hash of a random password, so unknown emails cost the same as known ones. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function bearerToken(header: string | string[] | undefined): string | null {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : null;
}
