// The status rank rule of providers.md, in one place for server and desktop alike.
// pending < queued < sent (one tick) < delivered (two ticks) < read. A status only moves up;
// `failed` may replace anything below delivered; a later delivered/read beats an earlier
// failed (another device got it); a failed after delivered keeps the status and records the error.
import type { MessageStatus } from './domain';

const RANK: Record<MessageStatus, number> = {
  pending: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  failed: -1,
  // Inbound messages are simply received; nothing moves them.
  received: 5,
};

export const statusRank = (s: MessageStatus): number => RANK[s];

export interface StatusChange {
  /** The status the message ends in. */
  status: MessageStatus;
  /** True when the incoming status changed nothing (duplicate, stale or out of order). */
  ignored: boolean;
  /** True when a failure should be recorded on the message even though the status stays. */
  recordError: boolean;
}

/** Decide what a message in `current` becomes when the provider reports `incoming`. */
export function applyStatus(current: MessageStatus, incoming: MessageStatus): StatusChange {
  if (current === 'received' || incoming === 'received') return { status: current, ignored: true, recordError: false };
  if (incoming === 'failed') {
    if (current === 'failed') return { status: current, ignored: true, recordError: false };
    if (RANK[current] >= RANK.delivered) return { status: current, ignored: false, recordError: true };
    return { status: 'failed', ignored: false, recordError: true };
  }
  if (current === 'failed') {
    // Only proof that the lead got it overrides a failure.
    return RANK[incoming] >= RANK.delivered
      ? { status: incoming, ignored: false, recordError: false }
      : { status: current, ignored: true, recordError: false };
  }
  if (RANK[incoming] > RANK[current]) return { status: incoming, ignored: false, recordError: false };
  return { status: current, ignored: true, recordError: false };
}
