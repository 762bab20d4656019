// Nudges and the monthly usage counters the reports read: one part of the storage seam
// (server/storage/store.ts).
import type { NudgeEntity } from '../../shared/domain';
import type { NudgeRecord, UsageCounterRow } from './records';

export interface UsageStore {
  addNudge(n: Omit<NudgeRecord, 'id'>, month: string): Promise<NudgeRecord>;
  listNudges(userId: string, limit: number): Promise<NudgeRecord[]>;
  countNudges(
    months: string[],
    userId: string | null,
  ): Promise<{ month: string; entityType: NudgeEntity; count: number }[]>;
  bumpUsage(row: Omit<UsageCounterRow, 'count'>): Promise<void>;
  usage(months: string[], userId: string | null): Promise<UsageCounterRow[]>;
}
