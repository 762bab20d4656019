// The webhook inbox on SQLite: a webhook is kept (claimed by the node that answered) before the
// provider's 2xx, and each is handed to one owner at a time. A claim is a lease: once it runs out
// (the node died) the next sweep takes the webhook over. A NULL lease (a webhook kept before
// leases) counts as expired.
import type { SavedWebhook, ProviderName } from '../saved-webhooks';
import type { EarlierClaims, WebhookInboxStore, WebhookLease } from '../webhook-inbox-store';
import { json, newId, type SqliteConnection } from './connection';

interface WebhookInboxRow {
  id: string;
  provider: ProviderName;
  body: Buffer;
  /** JSON of the headers kept. */
  headers: string;
  received_at: string;
  processed_at: string | null;
  error: string | null;
  claimed_by: string | null;
  lease_until: string | null;
}

const webhookFrom = (r: WebhookInboxRow): SavedWebhook => ({
  id: r.id,
  provider: r.provider,
  body: r.body,
  headers: json<Record<string, string>>(r.headers, {}),
  receivedAt: new Date(r.received_at),
});

export class SqliteWebhookInbox implements WebhookInboxStore {
  constructor(private readonly c: SqliteConnection) {}

  saveWebhook(
    provider: ProviderName,
    body: Buffer,
    headers: Record<string, string>,
    at: string,
    lease: WebhookLease,
  ): Promise<SavedWebhook> {
    const id = newId('wh');
    return this.c.grouped(() => {
      this.c.run(
        'INSERT INTO webhook_inbox (id, provider, body, headers, received_at, claimed_by, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?)',
        id,
        provider,
        body,
        JSON.stringify(headers),
        at,
        lease.owner,
        lease.until,
      );
      return { id, provider, body, headers, receivedAt: new Date(at) };
    });
  }
  async claimPendingWebhooks(
    at: string,
    lease: WebhookLease,
    limit: number,
    earlier: EarlierClaims | null = null,
  ): Promise<SavedWebhook[]> {
    // Read and mark under the write lock: a second process on this file waits, then sees the claim.
    return this.c.txImmediate(() => {
      const rows = this.c.all<WebhookInboxRow>(
        `SELECT * FROM webhook_inbox
        WHERE processed_at IS NULL AND (lease_until IS NULL OR lease_until <= ? OR (claimed_by = ? AND lease_until < ?))
        ORDER BY received_at, rowid LIMIT ?`,
        at,
        earlier?.owner ?? null,
        earlier?.leasedBefore ?? null,
        limit,
      );
      for (const r of rows)
        this.c.run(
          'UPDATE webhook_inbox SET claimed_by = ?, lease_until = ? WHERE id = ?',
          lease.owner,
          lease.until,
          r.id,
        );
      return rows.map(webhookFrom);
    });
  }
  async renewWebhookLeases(owner: string, ids: string[], until: string): Promise<number> {
    if (ids.length === 0) return 0;
    return this.c.tx(() => {
      let n = 0;
      for (const id of ids)
        n += this.c.run(
          'UPDATE webhook_inbox SET lease_until = ? WHERE id = ? AND claimed_by = ? AND processed_at IS NULL',
          until,
          id,
          owner,
        ).changes;
      return n;
    });
  }
  async markWebhookProcessed(id: string, at: string, error?: string) {
    await this.c.grouped(() =>
      this.c.run('UPDATE webhook_inbox SET processed_at = ?, error = ? WHERE id = ?', at, error ?? null, id),
    );
  }
}
