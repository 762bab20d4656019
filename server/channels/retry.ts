// Retrying a provider send that failed for a passing reason (rate limit, 5xx, connection
// refused). The shared backoff rule (shared/backoff.ts) with full jitter, so many senders retrying at
// once spread out instead of hammering the provider in step; a provider's Retry-After is honoured. Refusals (bad number, window closed…) are
// never retried: they go back to the rep with the provider's code.
import type { Connector, OutboundMessage, SendOutcome } from './connector';
import { backoffDelay as sharedBackoff } from '../../shared/backoff';

export interface RetryOptions {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injectable for tests. */
  sleep: (ms: number) => Promise<void>;
  /** Injectable for tests; returns [0, 1). */
  random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Delay before retry number `retry` (0-based): random in [0, min(max, base·2^retry)], at least a provider's Retry-After. */
export function backoffDelay(
  retry: number,
  opts: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
  retryAfterMs?: number,
): number {
  const jittered = sharedBackoff(retry, {
    baseMs: opts.baseDelayMs,
    maxMs: opts.maxDelayMs,
    random: opts.random,
    jitter: 'full',
  });
  return Math.min(opts.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}

/** Run `attempt` until it succeeds, fails for good, or runs out of attempts; the last outcome wins. */
export async function sendWithRetry(
  attempt: () => Promise<SendOutcome>,
  options: Partial<RetryOptions> = {},
): Promise<SendOutcome> {
  const opts = { ...DEFAULT_RETRY, ...options };
  let outcome = await attempt();
  for (let retry = 0; !outcome.ok && outcome.retryable && retry < opts.maxAttempts - 1; retry++) {
    await opts.sleep(backoffDelay(retry, opts, outcome.retryAfterMs));
    outcome = await attempt();
  }
  return outcome;
}

/** The same connector, with retryable send failures retried. */
export function withRetry<C extends Connector>(connector: C, options: Partial<RetryOptions> = {}): C {
  return new Proxy(connector, {
    get(target, prop, receiver) {
      if (prop === 'send') return (msg: OutboundMessage) => sendWithRetry(() => target.send(msg), options);
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
