// Outcomes that must reach the database and the desktops even when the database is away for a
// moment (a failover, a dropped connection): the provider's answer to a send, a status, a send
// failed by the sweep. Dropping one would leave a message pending, or a desktop showing a stale
// status, for ever. Shared by the channel sink and the send pipeline.
import type { MessageRecord, Store } from '../storage/store';
import type { Publisher } from '../domain/publisher';

/** Waits before storing (or publishing) a change again while the database is away (about 20 s in all). */
const STORE_RETRY_MS = [100, 300, 1000, 2000, 4000, 6000, 6000];

/** A write retried while the database is away for a moment (STORE_RETRY_MS), each failure reported. */
export async function untilStored<T>(
  write: () => Promise<T>,
  o: { sleep: (ms: number) => Promise<void>; stopped: () => boolean; report?: (message: string) => void },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      const wait = STORE_RETRY_MS[attempt];
      if (wait === undefined || o.stopped()) throw err;
      o.report?.(`storing failed (${(err as Error).message}); trying again in ${wait} ms`);
      await o.sleep(wait);
    }
  }
}

/**
 * Publish a change of a message so that its last event in every log shows its current state. Two
 * nodes publish changes of one message at once (the provider's answer on one, its status webhook
 * on another), and a view read before the later change may be appended after it; so after each
 * append the message is read again, and published again while it differs from what went out.
 */
export async function publishCurrent(
  store: Pick<Store, 'getMessage'>,
  publisher: Pick<Publisher, 'message'>,
  m: MessageRecord,
): Promise<void> {
  for (let view = m; ;) {
    await publisher.message(view);
    const now = await store.getMessage(view.id);
    if (!now || JSON.stringify(now) === JSON.stringify(view)) return;
    view = now;
  }
}
