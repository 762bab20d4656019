// The store a cluster benchmark seeds before its nodes start: thousands of users, leads and
// sessions (signing each in would cost a password hash apiece, minutes in all) and a 50,000-event
// log, written through the same Store seam the nodes use, on the backend they share.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SqliteStore } from '../server/storage/sqlite';
import type { Store } from '../server/storage/store';
import { hashToken } from '../server/auth/sessions';
import type { StreamEvent } from '../shared/stream-protocol';
import type { Backend } from '../tests/cluster/support/backend';

export async function openBackendStore(backend: Backend): Promise<Store> {
  if (backend.kind === 'sqlite') return new SqliteStore(path.join(backend.dataDir, 'converse.db'));
  // Loaded only when PostgreSQL is benchmarked, so the SQLite figures never depend on it.
  const { openPostgresStore } = await import('../server/storage/postgres/index');
  return openPostgresStore({ url: backend.databaseUrl!, schema: backend.schema! });
}

export interface BenchUser {
  id: string;
  token: string;
  /** The lead this user owns, as WhatsApp writes its number (digits). */
  leadWaId: string;
  leadId: string;
}

/** `n` reps with a lead and a session each; `from` numbers them (and their leads' phones) after earlier ones. */
export async function seedUsers(store: Store, n: number, label: string, from = 0): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  const expires = new Date(Date.now() + 3600_000).toISOString();
  const now = new Date().toISOString();
  for (let i = from; i < from + n; i++) {
    const u = await store.createUser({
      email: `rep${i}@${label}.bench`,
      name: `Rep ${i}`,
      role: 'sales',
      passwordHash: 'not-used',
    });
    const phone = `+1212${String(2000000 + i).padStart(7, '0')}`;
    const lead = await store.createLead(
      { firstName: `Lead${i}`, lastName: 'Bench', ownerId: u.id, phones: [{ e164: phone }] },
      now,
    );
    const token = randomBytes(32).toString('base64url');
    await store.createSession(u.id, hashToken(token), expires);
    users.push({ id: u.id, token, leadWaId: phone.slice(1), leadId: lead.id });
  }
  return users;
}

/** `count` message events in `userId`'s log: a busy day of conversations. */
export async function seedLog(store: Store, userId: string, count: number): Promise<void> {
  const at = new Date().toISOString();
  for (let i = 0; i < count; i += 1000) {
    const batch: { userId: string; event: StreamEvent }[] = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) {
      batch.push({
        userId,
        event: {
          type: 'message.upserted',
          message: {
            id: `msg_${j}`,
            clientId: null,
            conversationId: `lead_${j % 50}:sms`,
            leadId: `lead_${j % 50}`,
            channel: 'sms',
            direction: 'inbound',
            body: `Message number ${j}: could you send me the details about the offer?`,
            phoneHandle: `ph_${j % 50}`,
            status: 'received',
            createdAt: at,
            updatedAt: at,
          },
        },
      });
    }
    await store.appendEvents(batch, at);
  }
}
