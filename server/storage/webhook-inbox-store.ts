// The webhook inbox: a provider gets its 2xx only after its webhook is kept, and each kept webhook
// is processed once across every node. The node that answered claims it for a lease; a webhook
// whose lease ran out (its node died) is claimed by the next node that sweeps. One part of the
// storage seam (server/storage/store.ts).
import type { ProviderName, SavedWebhook } from './saved-webhooks';

/** Who processes a webhook (a node id) and until when (ISO time) no other node may take it. */
export interface WebhookLease {
  owner: string;
  until: string;
}

/** A node's own claims from before it started: held by `owner`, under leases ending before `leasedBefore`. */
export interface EarlierClaims {
  owner: string;
  leasedBefore: string;
}

export interface WebhookInboxStore {
  /** Keep a webhook durably (before the provider's 2xx), claimed by `lease.owner` until `lease.until`. */
  saveWebhook(
    provider: ProviderName,
    body: Buffer,
    headers: Record<string, string>,
    at: string,
    lease: WebhookLease,
  ): Promise<SavedWebhook>;
  /**
   * Claim up to `limit` unprocessed webhooks, oldest first, whose claim is absent or expired at
   * `at` (on PostgreSQL with FOR UPDATE SKIP LOCKED, so two nodes never take the same one), or
   * held by `earlier.owner` under a lease ending before `earlier.leasedBefore`: at a node's start,
   * its own id and its start plus a lease's length, so what it held in an earlier run (nobody's
   * now) comes back at once, and what it answered since it started stays with the work under way.
   */
  claimPendingWebhooks(
    at: string,
    lease: WebhookLease,
    limit: number,
    earlier?: EarlierClaims | null,
  ): Promise<SavedWebhook[]>;
  /** Extend `owner`'s claims on these webhooks while it is still processing them (a slow media download); returns how many. */
  renewWebhookLeases(owner: string, ids: string[], until: string): Promise<number>;
  /** The webhook is processed (or failed for good, with `error`): never claimed again. */
  markWebhookProcessed(id: string, at: string, error?: string): Promise<void>;
}
