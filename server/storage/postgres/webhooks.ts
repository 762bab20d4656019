// The webhook inbox on PostgreSQL: the WebhookInboxStore part of the seam. A webhook is kept with
// the answering node's lease; a sweep claims unprocessed webhooks whose lease is absent or past
// with FOR UPDATE SKIP LOCKED, so two nodes sweeping at once never take the same one.
import type { ProviderName, SavedWebhook } from '../saved-webhooks';
import type { WebhookInboxStore } from '../webhook-inbox-store';
import { json, newId, type Db, type Row } from './db';

const webhookFrom = (r: Row): SavedWebhook => ({
  id: r.id,
  provider: r.provider as ProviderName,
  body: r.body as Buffer,
  headers: json(r.headers, {}),
  receivedAt: new Date(r.received_at),
});

export function webhookInboxStore(db: Db): WebhookInboxStore {
  return {
    async saveWebhook(provider, body, headers, at, lease) {
      const id = newId('wh');
      await db.run(
        `INSERT INTO webhook_inbox (id, provider, body, headers, received_at, claimed_by, lease_until)
        VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, provider, body, JSON.stringify(headers), at, lease.owner, lease.until],
      );
      return { id, provider, body, headers, receivedAt: new Date(at) };
    },
    async claimPendingWebhooks(at, lease, limit, previousOwner = null) {
      const rows = await db.rows(
        `WITH picked AS (
          SELECT id FROM webhook_inbox
          WHERE processed_at IS NULL AND (lease_until IS NULL OR lease_until <= $1 OR claimed_by = $5)
          ORDER BY received_at, n LIMIT $4 FOR UPDATE SKIP LOCKED
        )
        UPDATE webhook_inbox w SET claimed_by = $2, lease_until = $3 FROM picked WHERE w.id = picked.id
        RETURNING w.*`,
        [at, lease.owner, lease.until, limit, previousOwner],
      );
      // RETURNING has no order: oldest first, as they were picked.
      rows.sort((a, b) => (a.received_at < b.received_at ? -1 : a.received_at > b.received_at ? 1 : a.n - b.n));
      return rows.map(webhookFrom);
    },
    async renewWebhookLeases(owner, ids, until) {
      if (ids.length === 0) return 0;
      return db.run(
        'UPDATE webhook_inbox SET lease_until = $1 WHERE id = ANY($2) AND claimed_by = $3 AND processed_at IS NULL',
        [until, ids, owner],
      );
    },
    async markWebhookProcessed(id, at, error) {
      await db.run('UPDATE webhook_inbox SET processed_at = $1, error = $2, lease_until = NULL WHERE id = $3', [
        at,
        error ?? null,
        id,
      ]);
    },
  };
}
