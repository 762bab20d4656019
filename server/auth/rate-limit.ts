// Failures per key in a sliding window, kept in memory: a restart forgives, which is acceptable
// for a throttle whose job is to make guessing slow. Each key keeps at most `max` failures, so
// memory stays bounded however hard a key is hammered. A failure may carry a tag (the address
// for an account, the account for an address) so that one source's failures can be told apart.
interface Failure {
  at: number;
  tag: string;
}

export class AttemptLimiter {
  private readonly hits = new Map<string, Failure[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Failures of this key still inside the window, leaving out those tagged `except`. */
  count(key: string, now: number, except?: string): number {
    const list = this.recent(key, now);
    return except === undefined ? list.length : list.filter((f) => f.tag !== except).length;
  }

  /** False when the key has used up its failures in the window. */
  allowed(key: string, now: number): boolean {
    return this.count(key, now) < this.max;
  }

  /** How long until enough of the key's failures leave the window for it to be allowed (0: allowed now). */
  retryAfterMs(key: string, now: number): number {
    const list = this.recent(key, now);
    return list.length < this.max ? 0 : list[list.length - this.max].at + this.windowMs - now;
  }

  /** Count a failed attempt. */
  failed(key: string, now: number, tag = '') {
    const list = this.recent(key, now);
    list.push({ at: now, tag });
    if (list.length > this.max) list.splice(0, list.length - this.max);
    this.hits.set(key, list);
    if (this.hits.size > 10_000) this.sweep(now);
  }

  /** Forget the key's failures (only those tagged `tag` when given). */
  reset(key: string, tag?: string) {
    if (tag === undefined) {
      this.hits.delete(key);
      return;
    }
    const kept = (this.hits.get(key) ?? []).filter((f) => f.tag !== tag);
    if (kept.length === 0) this.hits.delete(key);
    else this.hits.set(key, kept);
  }

  private recent(key: string, now: number): Failure[] {
    const list = this.hits.get(key);
    if (!list) return [];
    const kept = list.filter((f) => f.at > now - this.windowMs);
    if (kept.length === 0) this.hits.delete(key);
    else if (kept.length !== list.length) this.hits.set(key, kept);
    return kept;
  }

  private sweep(now: number) {
    for (const [k, v] of this.hits) if (!v.some((f) => f.at > now - this.windowMs)) this.hits.delete(k);
  }
}

/**
 * Where one count of failures is kept, asked asynchronously so that several nodes can share it
 * (server/cluster/redis-attempts.ts keeps it in Redis). The same sliding window and bound per key
 * as AttemptLimiter, which is the default: one node, in memory.
 */
export interface AttemptLog {
  /** Failures of this key still inside the window, leaving out those tagged `except`. */
  count(key: string, now: number, except?: string): Promise<number>;
  /** How long until the key is allowed again (0: allowed now). */
  retryAfterMs(key: string, now: number): Promise<number>;
  failed(key: string, now: number, tag?: string): Promise<void>;
  /** Forget the key's failures (only those tagged `tag` when given). */
  reset(key: string, tag?: string): Promise<void>;
}

/** Makes one named count (`name` tells counts apart in a shared store) of at most `max` failures per key. */
export type AttemptLogFactory = (name: string, max: number, windowMs: number) => AttemptLog;

/** An AttemptLimiter as an AttemptLog: the counts of one node, in its memory. */
export function memoryAttemptLog(max: number, windowMs: number): AttemptLog {
  const limiter = new AttemptLimiter(max, windowMs);
  return {
    count: async (key, now, except) => limiter.count(key, now, except),
    retryAfterMs: async (key, now) => limiter.retryAfterMs(key, now),
    failed: async (key, now, tag) => limiter.failed(key, now, tag),
    reset: async (key, tag) => limiter.reset(key, tag),
  };
}

export const inMemoryAttempts: AttemptLogFactory = (_name, max, windowMs) => memoryAttemptLog(max, windowMs);
