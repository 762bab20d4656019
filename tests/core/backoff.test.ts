// The one backoff rule (shared/backoff.ts): capped, exponential, jittered; the desktop's reconnect
// draws from the upper half of the ceiling so it is never zero.
import { backoffDelay, RECONNECT_BACKOFF } from '../../shared/backoff';

const opts = (r: number) => ({ ...RECONNECT_BACKOFF, random: () => r });

describe('reconnect backoff', () => {
  it('doubles its ceiling per attempt and draws from the upper half of it', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, opts(0)))).toEqual([250, 500, 1000, 2000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, opts(0.999999)))).toEqual([499, 999, 1999, 3999]);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    for (const a of [6, 7, 20, 1000]) {
      expect(backoffDelay(a, opts(0.999999))).toBeLessThanOrEqual(30_000);
      expect(backoffDelay(a, opts(0))).toBe(15_000);
    }
  });

  it('spreads desktops that dropped together', () => {
    const delays = new Set([0.1, 0.3, 0.5, 0.7, 0.9].map((r) => backoffDelay(4, opts(r))));
    expect(delays.size).toBe(5);
  });

  it("draws from the whole ceiling with full jitter (the server's provider retry)", () => {
    const full = (r: number) => ({ baseMs: 100, maxMs: 1000, jitter: 'full' as const, random: () => r });
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, full(0.5)))).toEqual([50, 100, 200, 400, 500]);
    expect(backoffDelay(3, full(0))).toBe(0);
  });
});
