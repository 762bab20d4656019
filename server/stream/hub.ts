// Who is connected right now, per user, so appended events reach every device at once.
import { CloseCode } from '../../shared/stream-protocol';
import type { AppendedEvent } from '../storage/store';

export interface LiveConnection {
  readonly userId: string;
  readonly sessionId: string;
  /** Offer newly appended events of this user (in seq order). */
  offer(events: AppendedEvent[]): void;
  /** This user's log reached `seq` (a doorbell without the events): read the log if that is past
   * what was sent. True when the connection goes to the log for it. */
  ring(seq: number): boolean;
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

  /** The log of `userId` reached `seq` on another node: each of the user's connections behind it reads the log. */
  ring(userId: string, seq: number): number {
    let reading = 0;
    for (const c of this.byUser.get(userId) ?? []) if (c.ring(seq)) reading++;
    return reading;
  }

  /** Users with at least one connection here (whose heads a node checks). */
  userIds(): string[] {
    return [...this.byUser.keys()];
  }

  /** Signed-out sessions lose their streams at once, here and (through the cluster bus) on every node. */
  closeRevokedSessions(sessionIds: Iterable<string>) {
    this.closeSessions(new Set(sessionIds), CloseCode.SESSION_REVOKED, 'This session was signed out.');
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
