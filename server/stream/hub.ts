// Who is connected right now, per user, so appended events reach every device at once.
import type { AppendedEvent } from '../storage/store';

export interface LiveConnection {
  readonly userId: string;
  readonly sessionId: string;
  /** Offer newly appended events of this user (in seq order). */
  offer(events: AppendedEvent[]): void;
  /** Close with a stream close code. */
  close(code: number, reason: string): void;
}

export class Hub {
  private readonly byUser = new Map<string, Set<LiveConnection>>();

  add(c: LiveConnection) {
    let set = this.byUser.get(c.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(c.userId, set);
    }
    set.add(c);
  }

  remove(c: LiveConnection) {
    const set = this.byUser.get(c.userId);
    if (!set) return;
    set.delete(c);
    if (set.size === 0) this.byUser.delete(c.userId);
  }

  deliver(events: AppendedEvent[]) {
    if (events.length === 0) return;
    const grouped = new Map<string, AppendedEvent[]>();
    for (const e of events) {
      if (!this.byUser.has(e.userId)) continue;
      const list = grouped.get(e.userId) ?? [];
      list.push(e);
      grouped.set(e.userId, list);
    }
    for (const [userId, list] of grouped) for (const c of this.byUser.get(userId) ?? []) c.offer(list);
  }

  closeSessions(sessionIds: Set<string>, code: number, reason: string) {
    for (const set of this.byUser.values())
      for (const c of [...set]) if (sessionIds.has(c.sessionId)) c.close(code, reason);
  }

  all(): LiveConnection[] {
    return [...this.byUser.values()].flatMap((s) => [...s]);
  }
  get size(): number {
    let n = 0;
    for (const s of this.byUser.values()) n += s.size;
    return n;
  }
}
