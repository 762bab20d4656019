// What storage keeps of a provider's webhook before it is processed. Defined here, not in
// channels/, so storage imports nothing of the server but itself (channels re-exports these).
export type ProviderName = 'whatsapp' | 'ringcentral' | 'ctm' | 'sandbox';

export interface SavedWebhook {
  id: string;
  provider: ProviderName;
  body: Buffer;
  headers: Record<string, string>;
  receivedAt: Date;
}
