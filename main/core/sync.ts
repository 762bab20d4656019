// Applies the event stream to the local store. Frames are handed, as they came off the socket,
// to a store writer (store/store-writer.ts), which parses, validates and applies whatever is
// waiting in one transaction that also moves the committed sequence and fills the search index.
// Only after that commit does this engine acknowledge the sequence and tell the rest of the core
// what changed. A backlog is written by a worker thread with its own SQLite connection, so
// 100,000 events leave the UI, pings and IPC free; a trickle of live events on the main thread
// (sync-writers.ts says which). While many events wait, the socket is paused so memory stays
// bounded.
import type { BatchOutcome } from './store/local-store';
import type { WriterOutput } from './store/batch-writer';
import type { StoreWriter } from './store/store-writer';
import { SyncWriters } from './sync-writers';
import { EVENTS_FRAME_TARGET_BYTES } from '../../shared/stream-protocol';

export interface SyncOptions {
  /** The store's file; the writer opens its own connection to it. */
  file: string;
  /** Events per transaction at most (default 6,000; the writer takes fewer when fewer wait).
   * Measured on the ingest bench: each batch re-touches nearly every active conversation, adds
   * a search-index segment and commits, so 6,000 writes about 20% faster than 3,000; the writer
   * prepares a frame at a time, so its heap does not grow with the batch. */
  maxBatchEvents?: number;
  /** Acknowledge a committed sequence on the link its events came from. */
  ack: (seq: number, link: number) => void;
  /** Whether frames from this link are still worth applying. */
  isLive: (link: number) => boolean;
  onApplied: (outcome: BatchOutcome) => void;
  /** The store failed (corrupt file, disk full): the caller recovers. */
  onError: (err: unknown) => void;
  pause?: () => void;
  resume?: () => void;
  log?: (msg: string, level?: 'info' | 'warn' | 'error') => void;
  /** Write on the main thread instead of a worker (tests of the fallback). */
  inlineWriter?: boolean;
  /** Tests: events waiting from which the writer thread writes (0: always), and its idle end. */
  threadFromEvents?: number;
  threadIdleEndMs?: number;
  /** The better-sqlite3 native module for the writer's connection (Electron's build). */
  sqliteBinding?: string;
  /** Conversations already watched (kept when a recovered store gets a new engine). */
  watched?: string[];
}

/** Events in frames not yet committed above which the socket is paused, and below which it resumes. */
const PAUSE_ABOVE = 5_000;
const RESUME_BELOW = 1_500;
/** Frames handed to the writer at once at most (in events); the rest wait here. */
const POSTED_AT_MOST = 4_000;
/** What an unparsed frame counts as until it is parsed: a frame of ordinary events (up to
 * EVENTS_FRAME_TARGET_BYTES) as 250, a larger one (a single big event) by its size, so that a run of
 * them pauses the socket before their bytes pile up here. */
const UNPARSED_WEIGHT = 250;
/** Conversations watched at most (most recently opened first): more than a window keeps loaded
 * (renderer/state/chatStore.ts keeps 6), so several windows or tabs are covered too. */
const WATCHED_AT_MOST = 32;

/** A frame not yet handed over: its raw bytes (a large one) or its parsed events (a small one). */
type Waiting = { link: number; raw?: Uint8Array; events?: unknown[]; weight: number };

export class SyncEngine {
  private readonly writers: SyncWriters;
  /** The writer holding the frames in `posted`, null when none is (one at a time, so frames commit in order). */
  private holder: StoreWriter | null = null;
  /** The writer that last took frames. */
  private lastWriter: StoreWriter | null = null;
  private waiting: Waiting[] = [];
  /** Frames with the writer, by id: their weight in events. */
  private posted = new Map<number, number>();
  private postedWeight = 0;
  private waitingWeight = 0;
  private nextId = 1;
  private holds = 0;
  private paused = false;
  private idleWaiters: (() => void)[] = [];
  /** Waiting for the writer to have nothing of ours (exclusive). */
  private drainWaiters: (() => void)[] = [];
  private closed = false;
  /** Events dropped because they failed validation (a newer server's event type, say). */
  invalidEvents = 0;
  /** Conversations whose messages someone shows, oldest first; `watchedVersion` counts changes. */
  private watched = new Set<string>();
  private watchedVersion = 0;

  constructor(private readonly o: SyncOptions) {
    for (const id of o.watched ?? []) this.watched.add(id);
    this.writers = new SyncWriters({
      file: o.file,
      maxEvents: o.maxBatchEvents ?? 6_000,
      mainThreadOnly: o.inlineWriter,
      threadFromEvents: o.threadFromEvents,
      threadIdleEndMs: o.threadIdleEndMs,
      nativeBinding: o.sqliteBinding,
      log: (line) => this.o.log?.(line),
      onOutput: (out) => this.onOutput(out),
      onCrash: (err) => {
        this.o.log?.(`[sync] ${err.message}`, 'error');
        this.failAll();
        this.o.onError(err);
      },
      started: (writer) => {
        if (this.watched.size > 0) writer.post(this.watchedInput());
      },
    });
  }

  /**
   * Someone shows this conversation's messages (a window loaded a page of it): batches hand its
   * changed messages back. Views of every other conversation are never built or copied across
   * threads; their changes are announced as `conversations.changed` only.
   */
  watch(conversationId: string): void {
    if (this.watched.delete(conversationId)) {
      this.watched.add(conversationId);
      return;
    }
    this.watched.add(conversationId);
    for (const oldest of this.watched) {
      if (this.watched.size <= WATCHED_AT_MOST) break;
      this.watched.delete(oldest);
    }
    this.watchedVersion++;
    this.writers.postAll(this.watchedInput());
  }

  /** The watched conversations, oldest first (handed to the engine that replaces this one). */
  get watchedConversations(): string[] {
    return [...this.watched];
  }

  private watchedInput() {
    return { type: 'watched' as const, version: this.watchedVersion, conversationIds: [...this.watched] };
  }

  /** Which thread took the last frames ('none' until the first frame). */
  get writerKind(): 'worker' | 'main-thread' | 'none' {
    return this.lastWriter?.kind ?? 'none';
  }

  enqueue(events: unknown[], link: number): void {
    if (events.length === 0) return;
    this.add({ link, events, weight: events.length });
  }

  /** A large `events` frame as it came off the socket; the writer parses it. */
  enqueueUnparsed(data: Uint8Array, link: number): void {
    this.add({
      link,
      raw: data,
      weight: Math.max(UNPARSED_WEIGHT, Math.ceil((data.byteLength / EVENTS_FRAME_TARGET_BYTES) * UNPARSED_WEIGHT)),
    });
  }

  /** The link dropped: what it delivered but we did not commit will be replayed after hello. */
  dropLink(link: number): void {
    const before = this.waiting.length;
    this.waiting = this.waiting.filter((w) => w.link !== link);
    if (before !== this.waiting.length) {
      this.waitingWeight = this.waiting.reduce((n, w) => n + w.weight, 0);
      this.o.log?.(`[sync] dropped ${before - this.waiting.length} uncommitted frames of a closed link`);
    }
    this.writers.postAll({ type: 'drop', link, upToId: this.nextId - 1 });
    this.flowControl();
    this.settle();
  }

  get pending(): number {
    return this.waitingWeight + this.postedWeight;
  }

  /** Resolves once every queued event is committed (or skipped). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Run `fn` on the main connection while no sync transaction can interleave: frames arriving
   * meanwhile wait, and what the writer already has is committed first (wipes, cursor resets).
   */
  async exclusive<T>(fn: () => T): Promise<T> {
    this.holds++;
    try {
      while (this.posted.size > 0) await new Promise<void>((r) => this.drainWaiters.push(r));
      return fn();
    } finally {
      this.holds--;
      this.pump();
    }
  }

  /** Stop the writer and close its connection; frames not committed are replayed next time. */
  async close(): Promise<void> {
    this.closed = true;
    this.holds = 0;
    this.waiting = [];
    this.posted.clear();
    this.postedWeight = this.waitingWeight = 0;
    this.holder = null;
    this.settle();
    await this.writers.close();
  }

  private add(frame: Waiting): void {
    if (this.closed) return;
    this.waiting.push(frame);
    this.waitingWeight += frame.weight;
    this.flowControl();
    this.pump();
  }

  /** Hand waiting frames to the writer (which parses, validates and prepares them off this thread). */
  private pump(): void {
    if (this.closed) return;
    while (
      this.holds === 0 &&
      this.waiting.length > 0 &&
      (this.posted.size === 0 || this.postedWeight < POSTED_AT_MOST)
    ) {
      // A backlog behind a trickle: the thread takes over once the main thread's frames are in.
      if (this.writers.wantsThread(this.holder, this.waitingWeight)) break;
      const waitingWithIt = this.waitingWeight;
      const frame = this.waiting.shift()!;
      this.waitingWeight -= frame.weight;
      if (!this.o.isLive(frame.link)) continue;
      const writer = this.holder ?? this.writers.choose(waitingWithIt);
      const id = this.nextId++;
      this.posted.set(id, frame.weight);
      this.postedWeight += frame.weight;
      this.holder = this.lastWriter = writer;
      writer.post({ type: 'raw-frame', id, link: frame.link, raw: frame.raw, events: frame.events });
    }
    this.flowControl();
    this.settle();
  }

  /** Forget every frame in flight: the caller reconnects and the server replays from the committed sequence. */
  private failAll(): void {
    this.waiting = [];
    this.posted.clear();
    this.holder = null;
    this.postedWeight = this.waitingWeight = 0;
    this.flowControl();
    this.settle();
  }

  /** Take the frames a result covers off the books; false when none of them was ours (a stale result). */
  private consume(ids: number[]): boolean {
    let ours = false;
    for (const id of ids) {
      const weight = this.posted.get(id);
      if (weight === undefined) continue;
      ours = true;
      this.posted.delete(id);
      this.postedWeight -= weight;
    }
    if (this.posted.size === 0) this.holder = null;
    return ours;
  }

  private onOutput(out: WriterOutput): void {
    switch (out.type) {
      case 'log':
        this.o.log?.(out.line);
        return;
      case 'closed':
        return;
      case 'invalid':
        this.invalidEvents += out.count;
        return;
      case 'skipped':
        this.consume(out.consumed);
        break;
      case 'failed': {
        if (!this.consume(out.consumed)) return;
        this.failAll();
        this.o.onError(Object.assign(new Error(out.error.message), out.error.code ? { code: out.error.code } : {}));
        return;
      }
      case 'applied': {
        if (!this.consume(out.consumed)) return;
        // Committed: now the server may forget these events (per batch, on the link they came from).
        this.o.ack(out.outcome.seq, out.link);
        out.outcome.messagesWire = out.messagesJson;
        if (out.watchedVersion !== this.watchedVersion) {
          const listed = new Set(out.messagesJson.map(([id]) => id));
          out.outcome.viewsStale = [...out.outcome.conversations].filter(
            (id) => this.watched.has(id) && !listed.has(id),
          );
        }
        try {
          this.o.onApplied(out.outcome);
        } catch (err) {
          this.o.log?.(`[sync] a listener failed: ${(err as Error).message}`, 'error');
        }
        break;
      }
    }
    this.pump();
  }

  private flowControl(): void {
    const pending = this.pending;
    if (!this.paused && pending > PAUSE_ABOVE) {
      this.paused = true;
      this.o.pause?.();
    } else if (this.paused && pending < RESUME_BELOW) {
      this.paused = false;
      this.o.resume?.();
    }
  }

  private settle(): void {
    if (this.posted.size === 0) this.writers.drained();
    if (this.posted.size === 0 && this.drainWaiters.length > 0) {
      const drained = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of drained) w();
    }
    if (this.pending > 0 || this.posted.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
