// A replay from sequence 0 (this rep back after another rep's wipe, a recovered store) stores the
// rep's nudges again; the ones this device already offered stay quiet. The newest nudge offered is
// kept per rep and server in the settings table, which a wipe keeps.
import type { NudgeView } from '../../shared/domain';
import type { LocalStore } from './store/local-store';
import { serverKey } from './store/local-store';

/** The newest nudge time offered, and the nudges offered at exactly that time. */
export interface NudgesSeen {
  atMs: number;
  ids: string[];
}

export interface NudgeReplayGuardOptions {
  /** The store is replaced when a damaged one is set aside: always the current one. */
  store: () => LocalStore;
  /** The signed-in rep and server; null when no rep is known. */
  owner: () => { userId: string; serverUrl: string } | null;
}

export class NudgeReplayGuard {
  constructor(private readonly o: NudgeReplayGuardOptions) {}

  /** The nudges of a batch this device has not offered yet, in order; remembers them as offered. */
  fresh(nudges: readonly { nudge: NudgeView; at: string }[]): { nudge: NudgeView; at: string; atMs: number }[] {
    const seen = this.seen();
    let latest = seen;
    const out: { nudge: NudgeView; at: string; atMs: number }[] = [];
    for (const { nudge, at } of nudges) {
      const atMs = Date.parse(at);
      if (seen && (atMs < seen.atMs || (atMs === seen.atMs && seen.ids.includes(nudge.id)))) continue;
      latest = newestOf(latest, atMs, nudge.id);
      out.push({ nudge, at, atMs });
    }
    const key = this.key();
    if (key && latest && latest !== seen) this.o.store().state.setSetting(key, latest);
    return out;
  }

  /** Settings key of the newest nudge this device offered to the signed-in rep. */
  private key(): string | null {
    const owner = this.o.owner();
    return owner ? `nudges.offeredUpTo:${owner.userId}@${serverKey(owner.serverUrl)}` : null;
  }

  private seen(): NudgesSeen | null {
    const key = this.key();
    return key ? (this.o.store().state.setting<NudgesSeen>(key) ?? null) : null;
  }
}

function newestOf(latest: NudgesSeen | null, atMs: number, id: string): NudgesSeen {
  if (!latest || atMs > latest.atMs) return { atMs, ids: [id] };
  if (atMs === latest.atMs) return { atMs, ids: [...latest.ids, id] };
  return latest;
}
