// Adapts the server's own storage (server/storage: a `nudges` table with a month column and a
// `usage_counters` table where user_id '' holds the workspace total) to UsageCounterSource, so
// the route can build its report with buildUsageReport — validated query, zero months, CTM and
// RingCentral always present — without a second counter table. Typed structurally: this module
// does not import server/storage, it only states the two reads it needs.
import type { Channel, Direction, NudgeEntity, SmsProvider } from '../../shared/domain';
import type { UsageCounterQuery, UsageCounterRow, UsageCounterSource } from './usage-report';

export interface StoreUsageReads {
  /** Nudges per month and entity; userId null: everyone's. */
  countNudges(
    months: string[],
    userId: string | null,
  ): Promise<Array<{ month: string; entityType: NudgeEntity; count: number }>>;
  /** Message counters; userId null: the workspace-total rows. */
  usage(
    months: string[],
    userId: string | null,
  ): Promise<
    Array<{ month: string; userId: string; provider: string; channel: Channel; direction: Direction; count: number }>
  >;
}

export function usageSourceFromStore(store: StoreUsageReads): UsageCounterSource {
  return {
    async usageCounters(query: UsageCounterQuery): Promise<UsageCounterRow[]> {
      const months = [...query.months];
      const [nudges, usage] = await Promise.all([
        store.countNudges(months, query.userId),
        store.usage(months, query.userId),
      ]);
      // The store has already narrowed to the asked user (or the workspace total), so each
      // row belongs to exactly the scope that was asked for.
      const owner = query.userId;
      return [
        ...nudges.map((n): UsageCounterRow => ({
          month: n.month,
          kind: 'nudge',
          entity: n.entityType,
          userId: owner,
          count: n.count,
        })),
        ...usage.map((u): UsageCounterRow =>
          u.channel === 'sms'
            ? {
                month: u.month,
                kind: 'sms',
                provider: u.provider as SmsProvider,
                direction: u.direction,
                userId: owner,
                count: u.count,
              }
            : { month: u.month, kind: 'whatsapp', direction: u.direction, userId: owner, count: u.count },
        ),
      ];
    },
  };
}
