// Which writer takes the sync's next frames. A backlog (a large frame, or many events waiting)
// goes to the writer thread (store/writer-worker.ts), so the main thread stays free while
// thousands of events are written; a trickle of live events is written on the main thread, in
// the next turn, with no thread to start or hop to. The thread ends once it has had nothing to
// write for a moment: its isolate, its connection's page cache and what its allocator holds go
// back to the system (about 30 MB after a 100,000-message sync, measured on the ingest bench),
// and the next backlog starts it again (about 70 ms, against the seconds such a backlog takes).
import { startStoreWriter, type StoreWriter, type StoreWriterOptions } from './store/store-writer';

/** Events waiting from which the writer thread takes the writing: one large frame (an unparsed
 * frame weighs at least 250, sync.ts) or as many small ones. Fewer are a few milliseconds of
 * main-thread work (the main-thread writer's batches are as large). */
export const THREAD_FROM_EVENTS = 250;
/** Nothing to write for this long and the writer thread ends (after its idle checkpoint, 300 ms). */
export const THREAD_IDLE_END_MS = 2_000;

export interface SyncWritersOptions extends Omit<StoreWriterOptions, 'inline'> {
  /** Write on the main thread only (tests of the fallback). */
  mainThreadOnly?: boolean;
  /** Tests: 0 gives every frame to the thread. */
  threadFromEvents?: number;
  threadIdleEndMs?: number;
  /** A writer was started (it is told which conversations are watched). */
  started: (writer: StoreWriter) => void;
}

export class SyncWriters {
  private thread: StoreWriter | null = null;
  private mainThread: StoreWriter | null = null;
  private idleEnd: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: SyncWritersOptions) {}

  private get threadFrom(): number {
    return this.o.threadFromEvents ?? THREAD_FROM_EVENTS;
  }

  /** The writer for frames when no writer holds any: `waitingEvents` is what waits to be written. */
  choose(waitingEvents: number): StoreWriter {
    if (!this.o.mainThreadOnly && (this.thread || waitingEvents >= this.threadFrom)) {
      this.keepThread();
      return (this.thread ??= this.start(false));
    }
    return (this.mainThread ??= this.start(true));
  }

  /** The main-thread writer holds frames and a backlog waits: stop handing it more, so the thread
   * takes over once it has committed what it holds (frames are written in order, by one writer). */
  wantsThread(holder: StoreWriter | null, waitingEvents: number): boolean {
    return !this.o.mainThreadOnly && holder !== null && holder === this.mainThread && waitingEvents >= this.threadFrom;
  }

  /** A message for every writer that is running (a closed link's drop, the watched conversations). */
  postAll(input: Parameters<StoreWriter['post']>[0]): void {
    this.thread?.post(input);
    this.mainThread?.post(input);
  }

  /** No writer holds a frame: the thread ends unless frames come for it within the idle time. */
  drained(): void {
    if (!this.thread || this.idleEnd || this.closed) return;
    this.idleEnd = setTimeout(() => {
      this.idleEnd = null;
      const thread = this.thread;
      this.thread = null;
      if (!thread) return;
      void thread.close().then(() => this.o.log('[sync] the writer thread ended: nothing to write'));
    }, this.o.threadIdleEndMs ?? THREAD_IDLE_END_MS);
    this.idleEnd.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.keepThread();
    const writers = [this.thread, this.mainThread];
    this.thread = this.mainThread = null;
    await Promise.all(writers.map((w) => w?.close()));
  }

  private keepThread(): void {
    if (this.idleEnd) clearTimeout(this.idleEnd);
    this.idleEnd = null;
  }

  private start(onMainThread: boolean): StoreWriter {
    const { file, maxEvents, nativeBinding, onOutput, log } = this.o;
    const writer: StoreWriter = startStoreWriter({
      file,
      maxEvents,
      nativeBinding,
      onOutput,
      log,
      inline: onMainThread,
      onCrash: (err) => {
        // A dead writer is forgotten; the next frames start another.
        if (this.thread === writer) this.thread = null;
        if (this.mainThread === writer) this.mainThread = null;
        this.o.onCrash(err);
      },
    });
    this.o.started(writer);
    return writer;
  }
}
