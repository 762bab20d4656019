// Failed sign-in attempts per email and per client address, in a sliding window, kept in memory: a
// restart forgives, which is acceptable for a throttle whose job is to make guessing slow.
export class AttemptLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly max: number, private readonly windowMs: number) {}

  /** False when the key has used up its failures in the window. */
  allowed(key: string, now = Date.now()): boolean {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.hits.set(key, list);
    return list.length < this.max;
  }

  /** Count a failed attempt. */
  failed(key: string, now = Date.now()) {
    const list = this.hits.get(key) ?? [];
    list.push(now);
    this.hits.set(key, list);
    if (this.hits.size > 10_000) this.sweep(now);
  }

  reset(key: string) { this.hits.delete(key); }

  private sweep(now: number) {
    for (const [k, v] of this.hits) if (!v.some((t) => t > now - this.windowMs)) this.hits.delete(k);
  }
}
