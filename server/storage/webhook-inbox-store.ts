// The webhook inbox, durable and synchronous (a provider gets its 2xx only after the webhook is
// kept): one part of the storage seam (server/storage/store.ts).
import type { ProviderName, SavedWebhook } from './saved-webhooks';

export interface WebhookInboxStore {
  saveWebhookSync(provider: ProviderName, body: Buffer, headers: Record<string, string>, at: string): SavedWebhook;
  pendingWebhooksSync(): SavedWebhook[];
  markWebhookProcessedSync(id: string, at: string, error?: string): void;
}
