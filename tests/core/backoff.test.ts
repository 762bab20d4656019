// Reconnect delays: capped, exponential, jittered and never zero.
import { backoffDelay } from '../../main/core/backoff';

const opts = (r: number) => ({ baseMs: 500, maxMs: 30_000, random: () => r });

describe('reconnect backoff', () => {
  it('doubles its ceiling per attempt and draws from the upper half of it', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, opts(0)))).toEqual([250, 500, 1000, 2000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, opts(0.999999)))).toEqual([500, 1000, 2000, 4000]);
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
});
