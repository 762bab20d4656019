// The one place a message is counted for usage reports. Each message bumps the workspace total
// (user_id '') and, when the figure belongs to someone, that user's row, both in the month the
// message happened in the workspace's time zone (usage-month.ts). Nudges are counted by their
// own row in the nudges table (Publisher.nudge stores the same month with it).
import type { Channel, Direction } from '../../shared/domain';
import type { ProviderName } from '../channels/connector';
import type { Store, UsageCounterRow } from '../storage/store';
import { usageMonthOf } from './usage-month';

export interface CountedMessage {
  at: Date;
  provider: ProviderName;
  channel: Channel;
  direction: Direction;
  /** Outbound: the sending user. Inbound: the lead's owner when it arrived. Null: nobody's (workspace only). */
  userId: string | null;
}

/** The counter rows one message bumps, for a caller that commits them with other writes (an inbound outcome). */
export function usageRowsOf(m: CountedMessage, timeZone: string): Omit<UsageCounterRow, 'count'>[] {
  const month = usageMonthOf(m.at, timeZone);
  const users = m.userId ? ['', m.userId] : [''];
  return users.map((userId) => ({ month, userId, provider: m.provider, channel: m.channel, direction: m.direction }));
}

export async function countMessage(
  store: Pick<Store, 'workspaceTimeZone' | 'bumpUsage'>,
  m: CountedMessage,
): Promise<string> {
  const rows = usageRowsOf(m, await store.workspaceTimeZone());
  for (const row of rows) await store.bumpUsage(row);
  return rows[0].month;
}
