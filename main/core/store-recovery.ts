// A damaged local database found while running is set aside and replaced by a fresh one, which the
// server fills again from sequence 0. What must survive the swap survives it: the device id, the
// signed-in rep, and which nudges were already offered (so the resync does not nudge again).
import type { UserView } from '../../shared/domain';
import type { LogLine } from './log';
import { LocalStore } from './store/local-store';
import { isCorruptionError, moveAside } from './store/open-database';
import type { SyncEngine } from './sync';

export const USER_KEY = 'session.user';
export const DEVICE_KEY = 'device.id';

export interface StoreRecoveryOptions {
  dbFile: string;
  now: () => Date;
  sqliteBinding?: string;
  log: LogLine;
  /** The store and sync engine in use right now. */
  current(): { store: LocalStore; sync: SyncEngine };
  /** Whether the core is still running (a stop during the recovery ends it). */
  running(): boolean;
  deviceId(): string;
  /** The fresh store is ready: wire it in place of the old one. `movedTo` is where the damaged file went. */
  replaced(store: LocalStore, movedTo: string): void;
  /** Not damage (a busy or full disk): try the batch again after a reconnect. */
  retryLater(reason: string): void;
}

export class StoreRecovery {
  private recovering = false;

  constructor(private readonly o: StoreRecoveryOptions) {}

  /** The sync engine could not apply a batch. */
  onStoreError(err: unknown): void {
    if (!isCorruptionError(err)) {
      this.o.log(`[sync] could not apply events: ${(err as Error).message}`, 'error');
      this.o.retryLater('the local database refused an update');
      return;
    }
    if (this.recovering) return;
    this.recovering = true;
    // Both connections must be closed before the file can be moved aside.
    const oldSync = this.o.current().sync;
    void oldSync.close().then(() => {
      this.recovering = false;
      if (this.o.running() && oldSync === this.o.current().sync) this.recover();
    });
  }

  private recover(): void {
    const old = this.o.current().store;
    const user = old.state.setting<UserView>(USER_KEY);
    let seenNudges: [string, unknown][] = [];
    try {
      seenNudges = old.state.settingsWithPrefix('nudges.offeredUpTo:');
    } catch {
      /* unreadable: the resync may nudge again */
    }
    try {
      old.close();
    } catch {
      /* damaged: it is set aside anyway */
    }
    const movedTo = moveAside(this.o.dbFile, this.o.now());
    const store = LocalStore.open(this.o.dbFile, this.o.now, { nativeBinding: this.o.sqliteBinding });
    store.state.setSetting(DEVICE_KEY, this.o.deviceId());
    if (user) store.state.setSetting(USER_KEY, user);
    // What was already offered stays offered: the resync from 0 must not nudge again.
    for (const [key, value] of seenNudges) store.state.setSetting(key, value);
    this.o.replaced(store, movedTo);
  }
}
