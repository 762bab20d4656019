// The sync's writing half: takes frames the main thread has already parsed, validated and
// prepared (prepared.ts), and applies as many as are waiting (up to a cap) in ONE transaction
// that also moves the committed sequence and fills the search index. It runs on the store
// writer's worker thread (writer-worker.ts), or on the main thread when no worker can be
// started; the sync engine (sync.ts) talks to it only through the messages below, so both work
// the same way.
import type { BatchOutcome, LocalStore } from './local-store';
import { prepareEvents, type WritableEvent } from './prepared';

/** A frame as it came off the socket (raw bytes of a large one, or parsed events of a small one). */
export interface RawFrame { type: 'raw-frame'; id: number; link: number; raw?: Uint8Array; events?: unknown[] }

const decoder = new TextDecoder();

/** Parse, validate and prepare a frame for the writer; unreadable parts are reported through `log`. */
export function prepareFrame(f: RawFrame, log: (line: string) => void): { frame: Extract<WriterInput, { type: 'frame' }>; invalid: number } {
  let events: unknown[] = f.events ?? [];
  if (f.raw) {
    try {
      const parsed = JSON.parse(decoder.decode(f.raw)) as { type?: unknown; events?: unknown };
      if (parsed.type === 'events' && Array.isArray(parsed.events)) events = parsed.events;
      else log(`[sync] ignored a large ${String(parsed.type)} frame`);
    } catch {
      log('[sync] ignored a large frame that is not JSON');
    }
  }
  const prepared = prepareEvents(events);
  for (const bad of prepared.invalid) log(`[sync] skipped an event this app cannot read (seq ${String(bad.seq)}): ${bad.reason}`);
  return { frame: { type: 'frame', id: f.id, link: f.link, events: prepared.events, skippedUpTo: prepared.skippedUpTo }, invalid: prepared.invalid.length };
}

/** main → writer */
export type WriterInput =
  /** One `events` frame, validated; `skippedUpTo` is the highest sequence it held that this app cannot read. */
  | { type: 'frame'; id: number; link: number; events: WritableEvent[]; skippedUpTo: number }
  /** The link closed: frames of it not yet applied are skipped (the server replays them). */
  | { type: 'drop'; link: number }
  | { type: 'close' };

/** writer → main. `consumed` lists the frame ids a result covers. */
export type WriterOutput =
  /** `outcome.messages` is empty: `messagesJson` holds each conversation's views as one JSON array. */
  | { type: 'applied'; link: number; consumed: number[]; events: number; outcome: BatchOutcome; messagesJson: [string, string][] }
  | { type: 'skipped'; consumed: number[] }
  | { type: 'failed'; consumed: number[]; error: { message: string; code: string | null } }
  | { type: 'log'; line: string }
  /** Events the preparing side could not read (already logged). */
  | { type: 'invalid'; count: number }
  | { type: 'closed' };

type Frame = Extract<WriterInput, { type: 'frame' }>;

export class BatchWriter {
  /** Raw frames wait as bytes and are prepared only when their batch runs: prepared rows then
   * live for one batch, not for as long as frames queue up (the thread's heap stays small). */
  private queue: (Frame | RawFrame)[] = [];

  /** `store` is null when the writer's database could not be opened (`openError` says why). */
  constructor(
    private readonly store: LocalStore | null,
    private readonly maxEvents: number,
    private readonly emit: (out: WriterOutput) => void,
    private readonly openError: { message: string; code: string | null } | null = null,
  ) {}

  accept(input: WriterInput | RawFrame): void {
    if (input.type === 'frame' || input.type === 'raw-frame') { this.queue.push(input); return; }
    if (input.type === 'drop') {
      const gone = this.queue.filter((f) => f.link === input.link).map((f) => f.id);
      if (gone.length === 0) return;
      this.queue = this.queue.filter((f) => f.link !== input.link);
      this.emit({ type: 'skipped', consumed: gone });
      this.emit({ type: 'log', line: `[sync] skipped ${gone.length} uncommitted frames of a closed link` });
    }
  }

  get hasWork(): boolean { return this.queue.length > 0; }

  /** Apply the frames waiting at the head of the queue (one link, up to maxEvents) in one transaction. */
  step(): void {
    const head = this.queue[0];
    if (!head) return;
    if (!this.store) {
      const consumed = this.queue.map((f) => f.id);
      this.queue = [];
      this.emit({ type: 'failed', consumed, error: this.openError ?? { message: 'the store writer has no database', code: null } });
      return;
    }
    const link = head.link;
    const consumed: number[] = [];
    let events = 0;
    let skippedUpTo = 0;
    let outcome: BatchOutcome;
    try {
      // One transaction for the whole batch, the search index included: FTS5 writes a segment
      // per transaction, so large batches keep both the inserts and the index cheap. Frames are
      // prepared and written one at a time inside it, so only one frame's parsed rows are alive
      // at once (the thread's heap stays small however large the batch).
      const store = this.store;
      outcome = store.transaction(() => {
        const batch = store.beginBatch({ viewsAsJson: true });
        while (this.queue.length > 0 && this.queue[0].link === link && (consumed.length === 0 || events < this.maxEvents)) {
          const next = this.queue.shift()!;
          consumed.push(next.id);
          let frame: Frame;
          if (next.type === 'raw-frame') {
            const prepared = prepareFrame(next, (line) => this.emit({ type: 'log', line }));
            if (prepared.invalid > 0) this.emit({ type: 'invalid', count: prepared.invalid });
            frame = prepared.frame;
          } else {
            frame = next;
          }
          batch.add(frame.events);
          events += frame.events.length;
          if (frame.skippedUpTo > skippedUpTo) skippedUpTo = frame.skippedUpTo;
        }
        return batch.finish(skippedUpTo);
      });
    } catch (err) {
      // Nothing of this batch is committed; what was queued behind it is dropped too (the server
      // replays all of it after the caller's recovery).
      const rest = this.queue.map((f) => f.id);
      this.queue = [];
      const code = (err as { code?: unknown })?.code;
      this.emit({ type: 'failed', consumed: [...consumed, ...rest], error: { message: (err as Error).message, code: typeof code === 'string' ? code : null } });
      return;
    }
    // Frames with nothing readable moved nothing (the transaction only rewrote the same cursor).
    if (events === 0 && skippedUpTo === 0) { this.emit({ type: 'skipped', consumed }); return; }
    const messagesJson: [string, string][] = [];
    for (const [conversationId, list] of outcome.messagesJson ?? []) messagesJson.push([conversationId, `[${list.join(',')}]`]);
    outcome.messagesJson = undefined;
    this.emit({ type: 'applied', link, consumed, events, outcome, messagesJson });
  }

  close(): void {
    this.queue = [];
    this.store?.close();
  }
}
