// The one way a test waits: poll a probe until it reports the fact the test needs, bounded, and
// fail with what was awaited (and the probe's last error) instead of sleeping for a guessed time.
export interface Wait {
  /** Give up after this long; the failure names `what`. */
  timeoutMs?: number;
  /** The fact awaited, in words, for the failure message. */
  what?: string;
  /** Asked before each try: a message ends the wait at once (what is awaited can no longer happen, e.g. the app exited). */
  failFast?: () => string | null;
}

// Short enough that a fact is seen within a frame or two, long enough not to starve the code under test.
const POLL_MS = 10;

type Found<T> = NonNullable<Exclude<T, false>>;

/** Resolve with the probe's first value that is not false/null/undefined; a throwing probe counts as "not yet". */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 10_000, what = 'condition', failFast }: Wait = {},
): Promise<Found<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const hopeless = failFast?.();
    if (hopeless) throw new Error(hopeless);
    try {
      const v = await probe();
      if (v !== false && v !== undefined && v !== null) return v as Found<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Wait until the predicate holds. */
export async function until(predicate: () => boolean | Promise<boolean>, wait: Wait = {}): Promise<void> {
  await eventually(async () => (await predicate()) || null, wait);
}
