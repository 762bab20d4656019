// Reconnect delays: capped exponential backoff with jitter, so a fleet of desktops that lost
// the server at the same moment does not come back at the same moment. Pure: randomness is
// injected, so tests pin it.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Returns a number in [0, 1). */
  random: () => number;
}

export const DEFAULT_BACKOFF: Omit<BackoffOptions, 'random'> = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (0 for the first retry after a drop): the ceiling
 * doubles per attempt up to maxMs, and the delay is drawn from the upper half of the ceiling
 * ("equal jitter"), so it never collapses to zero and hammers a recovering server.
 */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  const r = Math.min(Math.max(o.random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
