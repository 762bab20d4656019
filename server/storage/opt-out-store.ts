// SMS opt-outs, per business number and lead number: one part of the storage seam
// (server/storage/store.ts).

export interface OptOutStore {
  setOptOut(businessNumber: string, leadNumber: string, optedOut: boolean, keyword: string, at: string): Promise<void>;
  isOptedOut(businessNumber: string, leadNumber: string): Promise<boolean>;
  /** Lead numbers opted out from any of our SMS numbers. */
  optedOutNumbers(numbers: string[]): Promise<Set<string>>;
}
