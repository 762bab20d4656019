// Workspace API keys and the claims that make each CRM event (POST /events) handled once: one part
// of the storage seam (server/storage/store.ts).

export interface CrmEventStore {
  /** SHA-256 (hex) of every key not revoked. */
  apiKeyHashes(): Promise<string[]>;
  addApiKey(keyHash: string, label: string, at: string): Promise<{ id: string; added: boolean }>;
  /**
   * Claim an event for handling until `leaseUntil`: 'claimed' (handle it, then completeEvent),
   * 'handled' (done before), 'busy' (another delivery holds an unexpired claim). A claim whose
   * handling never finished (a crash) can be taken again once its lease has passed.
   */
  claimEventLease(
    eventId: string,
    type: string,
    at: string,
    leaseUntil: string,
  ): Promise<'claimed' | 'handled' | 'busy'>;
  /** Mark a claimed event handled. */
  completeEvent(eventId: string, at: string): Promise<void>;
  /** Forget a claim whose handling failed, so a resend is handled. */
  releaseEvent(eventId: string): Promise<void>;
}
