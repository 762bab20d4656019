// The webhook inbox on PostgreSQL: the WebhookInboxStore part of the seam. A webhook is kept with
// the answering node's lease; a sweep claims unprocessed webhooks whose lease is absent or past
// with FOR UPDATE SKIP LOCKED, so two nodes sweeping at once never take the same one.
import type { ProviderName, SavedWebhook } from '../saved-webhooks';
import type { WebhookInboxStore, WebhookLease } from '../webhook-inbox-store';
import { columns, json, newId, type Db, type Row } from './db';
import { GroupCommit } from './group-commit';

const webhookFrom = (r: Row): SavedWebhook => ({
  id: r.id,
  provider: r.provider as ProviderName,
  body: r.body as Buffer,
  headers: json(r.headers, {}),
  receivedAt: new Date(r.received_at),
});

interface ToSave {
  provider: ProviderName;
  body: Buffer;
  headers: Record<string, string>;
  at: string;
  lease: WebhookLease;
}

/** Webhooks kept in one statement, in the order given (their `n`, the sweep's order). */
async function saveAll(db: Db, group: ToSave[]): Promise<SavedWebhook[]> {
  const ids = group.map(() => newId('wh'));
  const col = columns(group);
  await db.run(
    `INSERT INTO webhook_inbox (id, provider, body, headers, received_at, claimed_by, lease_until)
    SELECT id, provider, body, headers, at, owner, until FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[],
    $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS w(id, provider, body, headers, at, owner, until, n) ORDER BY n`,
    [
      ids,
      col('provider'),
      col('body'),
      group.map((w) => JSON.stringify(w.headers)),
      col('at'),
      group.map((w) => w.lease.owner),
      group.map((w) => w.lease.until),
    ],
  );
  return group.map((w, i) => ({
    id: ids[i]!,
    provider: w.provider,
    body: w.body,
    headers: w.headers,
    receivedAt: new Date(w.at),
  }));
}

interface Processed {
  id: string;
  at: string;
  error: string | null;
}

async function markAllProcessed(db: Db, group: Processed[]): Promise<void[]> {
  await db.run(
    `UPDATE webhook_inbox w SET processed_at = u.at, error = u.error, lease_until = NULL
    FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, at, error) WHERE w.id = u.id`,
    [group.map((p) => p.id), group.map((p) => p.at), group.map((p) => p.error)],
  );
  return group.map(() => undefined);
}

export function webhookInboxStore(db: Db): WebhookInboxStore {
  // Group-committed (group-commit.ts): the webhooks answered, or processed, while a group is
  // written go in the next group's one statement.
  const saves = new GroupCommit((group: ToSave[]) => saveAll(db, group));
  const marks = new GroupCommit((group: Processed[]) => markAllProcessed(db, group));
  return {
    saveWebhook: (provider, body, headers, at, lease) => saves.submit({ provider, body, headers, at, lease }),
    async claimPendingWebhooks(at, lease, limit, earlier = null) {
      const rows = await db.rows(
        `WITH picked AS (
          SELECT id FROM webhook_inbox
          WHERE processed_at IS NULL AND (lease_until IS NULL OR lease_until <= $1 OR (claimed_by = $5 AND lease_until < $6))
          ORDER BY received_at, n LIMIT $4 FOR UPDATE SKIP LOCKED
        )
        UPDATE webhook_inbox w SET claimed_by = $2, lease_until = $3 FROM picked WHERE w.id = picked.id
        RETURNING w.*`,
        [at, lease.owner, lease.until, limit, earlier?.owner ?? null, earlier?.leasedBefore ?? null],
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
    markWebhookProcessed: (id, at, error) => marks.submit({ id, at, error: error ?? null }),
  };
}
