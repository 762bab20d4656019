// Unread counts per conversation and in total: inbound messages newer than the conversation's
// read mark. Counts are recomputed only for conversations a batch touched, and announced at
// most every `throttleMs` while a backlog streams in; reading a conversation is announced at once.
import type { LocalStore } from './store/local-store';

export interface UnreadOptions {
  store: LocalStore;
  onChanged: (u: { total: number; byConversation: Record<string, number> }) => void;
  throttleMs?: number;
}

export class UnreadCounts {
  private counts = new Map<string, number>();
  private dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly throttleMs: number;

  constructor(private readonly o: UnreadOptions) {
    this.throttleMs = o.throttleMs ?? 200;
  }

  /** Count everything again (start, resync). */
  reload(): void {
    this.counts = new Map(Object.entries(this.o.store.conversations.unreadAll()));
    this.dirty.clear();
    this.announce();
  }

  touch(conversationIds: Iterable<string>): void {
    if (this.stopped) return;
    for (const id of conversationIds) this.dirty.add(id);
    if (this.dirty.size === 0 || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.throttleMs);
  }

  /**
   * Recount touched conversations and announce the result. A backlog can touch thousands of
   * conversations, so the recount runs in slices of at most `sliceMs`, yielding in between;
   * the announcement goes out once the counts are whole again.
   */
  flush(sliceMs = 3): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.dirty.size === 0) return;
    const until = performance.now() + sliceMs;
    for (const id of this.dirty) {
      const n = this.o.store.conversations.unreadOf(id);
      if (n > 0) this.counts.set(id, n);
      else this.counts.delete(id);
      this.dirty.delete(id);
      if (performance.now() > until && this.dirty.size > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.flush(sliceMs);
        }, 0);
        return;
      }
    }
    this.announce();
  }

  /** The rep read a conversation: its count changes now, not after the throttle. */
  flushNow(): void {
    this.flush(Number.POSITIVE_INFINITY);
  }

  get total(): number {
    let t = 0;
    for (const n of this.counts.values()) t += n;
    return t;
  }

  of(conversationId: string): number {
    return this.counts.get(conversationId) ?? 0;
  }

  snapshot(): { total: number; byConversation: Record<string, number> } {
    return { total: this.total, byConversation: Object.fromEntries(this.counts) };
  }

  private stopped = false;

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private announce(): void {
    this.o.onChanged(this.snapshot());
  }
}
