// Applies the event stream to the local store. Events are validated and applied in chunks of
// at most `chunkSize`, each chunk in one transaction that also moves the committed sequence,
// then acknowledged. Between chunks the engine yields to the event loop (setImmediate), so a
// 100,000-event backlog never freezes the UI or the heartbeat; while many events wait, it
// pauses reading the socket so memory stays bounded.
import { SequencedEvent } from '../../shared/stream-protocol';
import type { BatchOutcome, LocalStore } from './store/local-store';

export interface SyncOptions {
  /** Fixed events per transaction; by default the size adapts to `budgetMs`. */
  chunkSize?: number;
  /** Time one chunk may hold the event loop (default 5 ms). */
  budgetMs?: number;
  /** Acknowledge a committed sequence on the link its events came from. */
  ack: (seq: number, link: number) => void;
  /** Whether frames from this link are still worth applying. */
  isLive: (link: number) => boolean;
  onApplied: (outcome: BatchOutcome) => void;
  /** The store failed (corrupt file, disk full): the caller recovers. */
  onError: (err: unknown) => void;
  pause?: () => void;
  resume?: () => void;
  log?: (msg: string) => void;
}

const PAUSE_ABOVE = 4_000;
const RESUME_BELOW = 1_000;
/** During a backlog, index once this many messages wait (fewer, larger FTS5 segments). */
const INDEX_AT_LEAST = 2_000;

export class SyncEngine {
  private queue: { events: unknown[]; offset: number; link: number; raw?: Buffer }[] = [];
  private queued = 0;
  private scheduled = false;
  private paused = false;
  private idleWaiters: (() => void)[] = [];
  private chunkSize: number;
  private readonly adaptive: boolean;
  private readonly budgetMs: number;
  /** Events dropped because they failed validation (a newer server's event type, say). */
  invalidEvents = 0;

  constructor(private readonly store: LocalStore, private readonly o: SyncOptions) {
    this.adaptive = o.chunkSize === undefined;
    this.chunkSize = o.chunkSize ?? 50;
    this.budgetMs = o.budgetMs ?? 5;
  }

  enqueue(events: unknown[], link: number): void {
    if (events.length === 0) return;
    this.queue.push({ events, offset: 0, link });
    this.queued += events.length;
    if (!this.paused && this.queued > PAUSE_ABOVE) { this.paused = true; this.o.pause?.(); }
    this.schedule();
  }

  /** A large `events` frame as it came off the socket; parsed when its turn comes. */
  enqueueUnparsed(data: Buffer, link: number): void {
    // Counted as a frame's worth of events for flow control until it is parsed.
    this.queue.push({ events: [], offset: 0, link, raw: data });
    this.queued += 250;
    if (!this.paused && this.queued > PAUSE_ABOVE) { this.paused = true; this.o.pause?.(); }
    this.schedule();
  }

  /** The link dropped: what it delivered but we did not commit will be replayed after hello. */
  dropLink(link: number): void {
    const before = this.queued;
    this.queue = this.queue.filter((q) => q.link !== link);
    this.queued = this.queue.reduce((n, q) => n + (q.raw ? 250 : q.events.length - q.offset), 0);
    if (before !== this.queued) this.o.log?.(`[sync] dropped ${before - this.queued} uncommitted events of a closed link`);
    if (this.paused) { this.paused = false; this.o.resume?.(); }
    this.settle();
  }

  get pending(): number { return this.queued; }

  /** Resolves once every queued event is committed. */
  idle(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => { this.scheduled = false; this.step(); });
  }

  private step(): void {
    const head = this.queue[0];
    if (!head) { this.settle(); return; }
    if (!this.o.isLive(head.link)) {
      this.queue.shift();
      this.queued -= head.raw ? 250 : head.events.length - head.offset;
      this.schedule();
      return;
    }
    const started = performance.now();
    if (head.raw) {
      const raw = head.raw;
      head.raw = undefined;
      this.queued -= 250;
      try {
        const frame = JSON.parse(raw.toString()) as { type?: unknown; events?: unknown };
        if (frame.type === 'events' && Array.isArray(frame.events)) head.events = frame.events;
        else this.o.log?.(`[sync] ignored a large ${String(frame.type)} frame`);
      } catch {
        this.o.log?.('[sync] ignored a large frame that is not JSON');
      }
      this.queued += head.events.length;
      if (head.events.length === 0) { this.queue.shift(); this.schedule(); return; }
      // Parsing took part of this turn's budget; apply on the next turn if little is left.
      if (performance.now() - started > this.budgetMs / 2) { this.schedule(); return; }
    }
    const slice = head.events.slice(head.offset, head.offset + this.chunkSize);
    const valid: SequencedEvent[] = [];
    let highest = 0;
    for (const raw of slice) {
      const r = SequencedEvent.safeParse(raw);
      if (r.success) { valid.push(r.data); continue; }
      this.invalidEvents++;
      const seq = (raw as { seq?: unknown })?.seq;
      this.o.log?.(`[sync] skipped an event this app cannot read (seq ${String(seq)}): ${r.error.issues[0]?.message}`);
      // Move the cursor past it anyway, or the same event would block every resume.
      if (typeof seq === 'number' && Number.isInteger(seq) && seq > highest) highest = seq;
    }
    let outcome: BatchOutcome;
    try {
      outcome = this.store.applyEvents(valid, highest, { index: false });
    } catch (err) {
      this.queue = [];
      this.queued = 0;
      this.settle();
      this.o.onError(err);
      return;
    }
    if (this.adaptive) {
      // Size the next chunk so it holds the event loop for about budgetMs: big enough to keep
      // transactions efficient, small enough that input, pings and IPC never wait long.
      const perEvent = (performance.now() - started) / Math.max(1, slice.length);
      const next = Math.round(this.budgetMs / Math.max(perEvent, 0.001));
      this.chunkSize = Math.max(10, Math.min(500, Math.round((this.chunkSize + next) / 2)));
    }
    head.offset += slice.length;
    this.queued -= slice.length;
    const frameDone = head.offset >= head.events.length;
    if (frameDone) this.queue.shift();
    // Acknowledge what is committed once per frame (or every 100 ms inside a big one): the
    // server needs it for its window, not after every chunk.
    if (frameDone || performance.now() - this.lastAckAt > 100) {
      this.o.ack(outcome.seq, head.link);
      this.lastAckAt = performance.now();
    }
    if (this.paused && this.queued < RESUME_BELOW) { this.paused = false; this.o.resume?.(); }
    try { this.o.onApplied(outcome); } catch (err) { this.o.log?.(`[sync] a listener failed: ${(err as Error).message}`); }
    this.scheduleIndexing();
    if (this.queue.length > 0) this.schedule();
    else this.settle();
  }

  private lastAckAt = 0;
  private indexRowsPerStep = 500;
  private indexScheduled = false;

  /**
   * Bring the search index up to date in budgeted steps, after the events that need it are
   * committed: during a backlog only when a good number of rows wait, and always once idle.
   */
  private scheduleIndexing(): void {
    if (this.indexScheduled) return;
    const waiting = this.store.messages.unindexed();
    if (waiting === 0 || (this.queued > 0 && waiting < INDEX_AT_LEAST)) return;
    this.indexScheduled = true;
    setImmediate(() => {
      this.indexScheduled = false;
      const t = performance.now();
      try {
        this.store.transaction(() => this.store.messages.indexPending(this.indexRowsPerStep));
      } catch (err) {
        this.o.onError(err);
        return;
      }
      const perRow = (performance.now() - t) / this.indexRowsPerStep;
      this.indexRowsPerStep = Math.max(100, Math.min(5_000, Math.round(this.budgetMs / Math.max(perRow, 0.0005))));
      this.scheduleIndexing();
    });
  }

  private settle(): void {
    if (this.queued > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
