// The one backoff rule: a ceiling that doubles per attempt up to a cap, and a delay drawn at random
// below it, so many clients failing at the same moment do not come back at the same moment. Pure:
// randomness is injected, so tests pin it. Used by the desktop's reconnect (main/core/connection.ts)
// and the server's provider retry (server/channels/retry.ts, which adds the provider's Retry-After).
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Returns a number in [0, 1). */
  random: () => number;
  /**
   * Where in the ceiling the delay is drawn from. 'full': [0, ceiling), spreads retries the most
   * (provider sends; Retry-After gives the floor). 'equal': [ceiling/2, ceiling), never collapses to
   * zero, so a fleet of desktops does not hammer a recovering server.
   */
  jitter: 'full' | 'equal';
}

/** The desktop's reconnect delays. */
export const RECONNECT_BACKOFF: Omit<BackoffOptions, 'random'> = { baseMs: 500, maxMs: 30_000, jitter: 'equal' };

/** Delay in whole milliseconds before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  // The exponent is capped so a long outage cannot overflow to Infinity.
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  const floor = o.jitter === 'equal' ? ceiling / 2 : 0;
  const r = Math.min(Math.max(o.random(), 0), 1);
  return Math.floor(floor + (ceiling - floor) * r);
}
