// Workspace API keys and the leased claims that make each CRM event handled once, on SQLite.
import type { CrmEventStore } from '../crm-event-store';
import { newId, type SqliteConnection } from './connection';

/** A `crm_events` row: handled once handled_at is set; lease_until bounds an unfinished claim. */
interface CrmEventRow {
  event_id: string;
  type: string;
  received_at: string;
  handled_at: string | null;
  lease_until: string | null;
}

export class SqliteCrmEvents implements CrmEventStore {
  constructor(private readonly c: SqliteConnection) {}

  async apiKeyHashes() {
    return this.c.all<{ h: string }>('SELECT key_hash AS h FROM api_keys WHERE revoked_at IS NULL').map((r) => r.h);
  }
  async addApiKey(keyHash: string, label: string, at: string) {
    const existing = this.c.get<{ id: string }>('SELECT id FROM api_keys WHERE key_hash = ?', keyHash);
    if (existing) return { id: existing.id, added: false };
    const id = newId('key');
    this.c.run('INSERT INTO api_keys (id, key_hash, label, created_at) VALUES (?, ?, ?, ?)', id, keyHash, label, at);
    return { id, added: true };
  }
  async claimEventLease(eventId: string, type: string, at: string, leaseUntil: string) {
    return this.c.txImmediate((): 'claimed' | 'handled' | 'busy' => {
      const cur = this.c.get<Pick<CrmEventRow, 'handled_at' | 'lease_until'>>(
        'SELECT handled_at, lease_until FROM crm_events WHERE event_id = ?',
        eventId,
      );
      if (cur?.handled_at) return 'handled';
      if (cur && cur.lease_until && cur.lease_until > at) return 'busy';
      this.c.run(
        `INSERT INTO crm_events (event_id, type, received_at, lease_until) VALUES (?, ?, ?, ?)
        ON CONFLICT (event_id) DO UPDATE SET lease_until = excluded.lease_until`,
        eventId,
        type,
        at,
        leaseUntil,
      );
      return 'claimed';
    });
  }
  async completeEvent(eventId: string, at: string) {
    this.c.run('UPDATE crm_events SET handled_at = ?, lease_until = NULL WHERE event_id = ?', at, eventId);
  }
  async releaseEvent(eventId: string) {
    this.c.run('DELETE FROM crm_events WHERE event_id = ?', eventId);
  }
}
