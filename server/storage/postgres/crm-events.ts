// Workspace API keys and the once-only claims of CRM events on PostgreSQL: the CrmEventStore part
// of the seam, mirroring sqlite.ts. A claim is one upsert whose WHERE says whether the row may be
// taken, so two nodes claiming one event at once get one 'claimed'.
import type { CrmEventStore } from '../crm-event-store';
import { newId, type Db } from './db';

export function crmEventStore(db: Db): CrmEventStore {
  return {
    async apiKeyHashes() {
      return (await db.rows<{ h: string }>('SELECT key_hash AS h FROM api_keys WHERE revoked_at IS NULL')).map(
        (r) => r.h,
      );
    },
    async addApiKey(keyHash, label, at) {
      const id = newId('key');
      const added = await db.one<{ id: string }>(
        'INSERT INTO api_keys (id, key_hash, label, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key_hash) DO NOTHING RETURNING id',
        [id, keyHash, label, at],
      );
      if (added) return { id, added: true };
      const existing = (await db.one<{ id: string }>('SELECT id FROM api_keys WHERE key_hash = $1', [keyHash]))!;
      return { id: existing.id, added: false };
    },
    async claimEventLease(eventId, type, at, leaseUntil) {
      const claimed = await db.one(
        `INSERT INTO crm_events (event_id, type, received_at, lease_until) VALUES ($1, $2, $3, $4)
        ON CONFLICT (event_id) DO UPDATE SET lease_until = excluded.lease_until
        WHERE crm_events.handled_at IS NULL AND (crm_events.lease_until IS NULL OR crm_events.lease_until <= $3)
        RETURNING event_id`,
        [eventId, type, at, leaseUntil],
      );
      if (claimed) return 'claimed';
      const cur = await db.one<{ handled_at: string | null }>('SELECT handled_at FROM crm_events WHERE event_id = $1', [
        eventId,
      ]);
      return cur?.handled_at ? 'handled' : 'busy';
    },
    async completeEvent(eventId, at) {
      await db.run('UPDATE crm_events SET handled_at = $1, lease_until = NULL WHERE event_id = $2', [at, eventId]);
    },
    async releaseEvent(eventId) {
      await db.run('DELETE FROM crm_events WHERE event_id = $1', [eventId]);
    },
  };
}
