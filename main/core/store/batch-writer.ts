// The sync's writing half: takes frames as they came off the socket, parses and validates them
// (prepared.ts), and applies as many as are waiting (up to a cap) in ONE transaction that also
// moves the committed sequence and fills the search index. It runs on the store writer's worker
// thread (writer-worker.ts), or on the main thread when no worker can be started; the sync
// engine (sync.ts) talks to it only through the messages below, so both work the same way.
import type { BatchOutcome, LocalStore } from './local-store';
import { prepareEvent } from './prepared';

/** A frame as it came off the socket (raw bytes of a large one, or parsed events of a small one). */
export interface RawFrame {
  type: 'raw-frame';
  id: number;
  link: number;
  raw?: Uint8Array;
  events?: unknown[];
}

const decoder = new TextDecoder();

/** The events of a frame, parsed from its bytes when it came unparsed; unreadable frames are reported through `log`. */
function frameEvents(f: RawFrame, log: (line: string) => void): unknown[] {
  if (!f.raw) return f.events ?? [];
  try {
    const parsed = JSON.parse(decoder.decode(f.raw)) as { type?: unknown; events?: unknown };
    if (parsed.type === 'events' && Array.isArray(parsed.events)) return parsed.events;
    log(`[sync] ignored a large ${String(parsed.type)} frame`);
  } catch {
    log('[sync] ignored a large frame that is not JSON');
  }
  return [];
}

/** main → writer */
export type WriterInput =
  /** The link closed: its frames up to `upToId` not yet applied are skipped (the server replays
   * them). Bounded by id because link numbers start again with a new connection. */
  | { type: 'drop'; link: number; upToId: number }
  /** The conversations someone shows (see SyncEngine.watch): only their views are handed back. */
  | { type: 'watched'; version: number; conversationIds: string[] }
  /** Frames wait on the writer thread's frame port: the next batch pulls them (writer-worker.ts). */
  | { type: 'frames' }
  | { type: 'close' };

/** writer → main. `consumed` lists the frame ids a result covers. */
export type WriterOutput =
  /** `outcome.messages` is empty: `messagesJson` holds each watched conversation's views as one
   * JSON array; `watchedVersion` is the watched set the batch used. */
  | {
      type: 'applied';
      link: number;
      consumed: number[];
      events: number;
      outcome: BatchOutcome;
      messagesJson: [string, string][];
      watchedVersion: number;
    }
  | { type: 'skipped'; consumed: number[] }
  | { type: 'failed'; consumed: number[]; error: { message: string; code: string | null } }
  | { type: 'log'; line: string }
  /** Events the preparing side could not read (already logged). */
  | { type: 'invalid'; count: number }
  | { type: 'closed' };

export class BatchWriter {
  /** Frames wait as bytes and are parsed only when their batch runs, so parsed events live for
   * one frame, not for as long as frames queue up (the thread's heap stays small). */
  private queue: RawFrame[] = [];
  private watched: ReadonlySet<string> = new Set();
  private watchedVersion = 0;

  /** Closed links, with the last frame id each delivered: such frames still waiting in the pull source are skipped when pulled. */
  private readonly dropped = new Map<number, number>();
  /** The last batch stopped at its size cap, so more may wait in the pull source. */
  private more = false;

  /**
   * `store` is null when the writer's database could not be opened (`openError` says why).
   * `pull` takes the next frame waiting outside this writer (the worker's frame port), so a
   * frame becomes a JS object only when its batch is about to write it.
   */
  constructor(
    private readonly store: LocalStore | null,
    private readonly maxEvents: number,
    private readonly emit: (out: WriterOutput) => void,
    private readonly openError: { message: string; code: string | null } | null = null,
    private readonly pull: () => RawFrame | undefined = () => undefined,
  ) {}

  accept(input: WriterInput | RawFrame): void {
    if (input.type === 'raw-frame') {
      this.queue.push(input);
      return;
    }
    if (input.type === 'watched') {
      this.watched = new Set(input.conversationIds);
      this.watchedVersion = input.version;
      return;
    }
    if (input.type === 'drop') {
      this.dropped.set(input.link, input.upToId);
      const gone = this.queue.filter((f) => this.isDropped(f)).map((f) => f.id);
      if (gone.length === 0) return;
      this.queue = this.queue.filter((f) => !this.isDropped(f));
      this.emit({ type: 'skipped', consumed: gone });
      this.emit({ type: 'log', line: `[sync] skipped ${gone.length} uncommitted frames of a closed link` });
    }
  }

  private isDropped(f: RawFrame): boolean {
    const upTo = this.dropped.get(f.link);
    return upTo !== undefined && f.id <= upTo;
  }

  get hasWork(): boolean {
    return this.queue.length > 0 || this.more;
  }

  /** The frame at the head of the queue, pulled from the source when the queue is empty. */
  private head(): RawFrame | undefined {
    while (this.queue.length === 0) {
      const f = this.pull();
      if (!f) return undefined;
      if (this.isDropped(f)) {
        this.emit({ type: 'skipped', consumed: [f.id] });
        continue;
      }
      this.queue.push(f);
    }
    return this.queue[0];
  }

  /** Every frame waiting, here and in the pull source, taken off (a failure drops them all). */
  private takeAll(): number[] {
    const ids = this.queue.map((f) => f.id);
    this.queue = [];
    for (let f = this.pull(); f; f = this.pull()) ids.push(f.id);
    this.more = false;
    return ids;
  }

  /** Apply the frames waiting at the head of the queue (one link, up to maxEvents) in one transaction. */
  step(): void {
    this.more = false;
    const head = this.head();
    if (!head) return;
    if (!this.store) {
      const consumed = this.takeAll();
      this.emit({
        type: 'failed',
        consumed,
        error: this.openError ?? { message: 'the store writer has no database', code: null },
      });
      return;
    }
    const link = head.link;
    const consumed: number[] = [];
    let events = 0;
    let skippedUpTo = 0;
    let outcome: BatchOutcome;
    try {
      // One transaction for the whole batch, the search index included: FTS5 writes a segment
      // per transaction, so large batches keep both the inserts and the index cheap. Each event
      // is validated, prepared and written before the next is looked at, so what it takes to
      // write one dies young (the thread's heap stays small however large the batch).
      const store = this.store;
      const log = (line: string) => this.emit({ type: 'log', line });
      outcome = store.transaction(() => {
        const batch = store.beginBatch({ viewsAsJson: true, views: this.watched });
        while (consumed.length === 0 || events < this.maxEvents) {
          if (this.head()?.link !== link) break;
          const next = this.queue.shift()!;
          consumed.push(next.id);
          let invalid = 0;
          for (const item of frameEvents(next, log)) {
            const prepared = prepareEvent(item);
            if ('reason' in prepared) {
              invalid++;
              log(`[sync] skipped an event this app cannot read (seq ${String(prepared.seq)}): ${prepared.reason}`);
              // Move the cursor past it anyway, or the same event would block every resume.
              if (typeof prepared.seq === 'number' && Number.isInteger(prepared.seq) && prepared.seq > skippedUpTo)
                skippedUpTo = prepared.seq;
              continue;
            }
            batch.addOne(prepared.event);
            events++;
          }
          if (invalid > 0) this.emit({ type: 'invalid', count: invalid });
        }
        this.more = events >= this.maxEvents;
        return batch.finish(skippedUpTo);
      });
    } catch (err) {
      // Nothing of this batch is committed; what was queued behind it is dropped too (the server
      // replays all of it after the caller's recovery).
      const rest = this.takeAll();
      const code = (err as { code?: unknown })?.code;
      this.emit({
        type: 'failed',
        consumed: [...consumed, ...rest],
        error: { message: (err as Error).message, code: typeof code === 'string' ? code : null },
      });
      return;
    }
    // Frames with nothing readable moved nothing (the transaction only rewrote the same cursor).
    if (events === 0 && skippedUpTo === 0) {
      this.emit({ type: 'skipped', consumed });
      return;
    }
    const messagesJson: [string, string][] = [];
    for (const [conversationId, list] of outcome.messagesJson ?? [])
      messagesJson.push([conversationId, `[${list.join(',')}]`]);
    outcome.messagesJson = undefined;
    this.emit({ type: 'applied', link, consumed, events, outcome, messagesJson, watchedVersion: this.watchedVersion });
  }

  close(): void {
    this.queue = [];
    this.store?.close();
  }
}
