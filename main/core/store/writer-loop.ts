// How a BatchWriter runs, on the writer thread and in the main-thread fallback alike: one batch
// per event-loop turn (frames that arrive while a batch commits join the next one, so batches
// grow with a backlog and shrink to a single frame when the link is quiet), and one checkpoint of
// the WAL once the writer has had nothing to do for a moment, never between a backlog's batches.
import type { BatchWriter } from './batch-writer';

/** Quiet time after which what was written is checkpointed (PASSIVE: never waits for readers). */
export const CHECKPOINT_AFTER_IDLE_MS = 300;

export class WriterLoop {
  private scheduled = false;
  private closed = false;
  private unCheckpointed = false;
  private checkpointTimer: NodeJS.Timeout | null = null;

  /** `checkpoint` is null when the writer has no database (it only reports failures then). */
  constructor(
    private readonly writer: BatchWriter,
    private readonly checkpoint: (() => void) | null,
    private readonly log: (line: string) => void,
  ) {}

  /** There may be work: run a batch on the next turn. */
  kick(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.closed) return;
      this.writer.step();
      this.unCheckpointed = true;
      if (this.writer.hasWork) this.kick();
      else this.checkpointWhenQuiet();
    });
  }

  close(): void {
    this.closed = true;
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
  }

  private checkpointWhenQuiet(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      if (this.closed || this.writer.hasWork || !this.unCheckpointed || !this.checkpoint) return;
      this.unCheckpointed = false;
      try {
        this.checkpoint();
      } catch (err) {
        this.log(`[sync] checkpoint failed: ${(err as Error).message}`);
      }
    }, CHECKPOINT_AFTER_IDLE_MS);
    this.checkpointTimer.unref();
  }
}
