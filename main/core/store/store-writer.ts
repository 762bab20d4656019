// Where the sync's writes run: on a worker thread (writer-worker.ts) with its own connection to
// the store, so the main thread only hands frames over and hears back what was committed.
// The worker is found next to the running code:
//   - bundled (Electron's dist/main, the benchmarks): `store-writer.mjs` beside the bundle
//     (inside a packaged app, its app.asar.unpacked copy);
//   - from source (tsx, vitest): `writer-worker.ts` beside this file, loaded through tsx.
// When neither can be started the same BatchWriter runs on the main thread in small batches,
// so the app still syncs (only less smoothly) and says so in its log.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BatchWriter, type RawFrame, type WriterInput, type WriterOutput } from './batch-writer';
import { LocalStore } from './local-store';
import { WriterLoop } from './writer-loop';

/** The file name scripts/build.mjs (and the benchmarks' bundler) give the worker's bundle. */
export const WRITER_BUNDLE_NAME = 'store-writer.mjs';

export interface StoreWriter {
  readonly kind: 'worker' | 'main-thread';
  /** A frame off the socket (prepared, then written), a closed link's drop, or the watched conversations. */
  post(input: RawFrame | Extract<WriterInput, { type: 'drop' | 'watched' }>): void;
  /** Stop writing (what is not committed is replayed by the server next time) and close the connection. */
  close(): Promise<void>;
}

export interface StoreWriterOptions {
  file: string;
  /** Events per transaction at most. */
  maxEvents: number;
  onOutput: (out: WriterOutput) => void;
  /** The thread died (not a store error): the caller resyncs from its committed sequence. */
  onCrash: (err: Error) => void;
  log: (line: string) => void;
  /** Force the main-thread writer (tests of the fallback). */
  inline?: boolean;
  /** The better-sqlite3 native module to load, when not the one in node_modules (Electron). */
  nativeBinding?: string;
}

type WorkerSource = { kind: 'bundle'; url: URL } | { kind: 'tsx'; code: string };

/** How to start the writer's thread from where this module runs, or null when it cannot be. */
export function writerWorkerSource(moduleUrl: string = import.meta.url): WorkerSource | null {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith('.ts')) {
    // From source: tsx registers its loader inside the worker, then loads the TypeScript entry.
    let tsxApi: string;
    try {
      tsxApi = pathToFileURL(
        path.join(path.dirname(createRequire(moduleUrl).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
      ).href;
    } catch {
      return null;
    }
    const entry = pathToFileURL(path.join(path.dirname(here), 'writer-worker.ts')).href;
    if (!existsSync(fileURLToPath(tsxApi)) || !existsSync(fileURLToPath(entry))) return null;
    return {
      kind: 'tsx',
      code: `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`,
    };
  }
  let file = path.join(path.dirname(here), WRITER_BUNDLE_NAME);
  // A worker's file must be outside the asar archive (electron-builder.config.ts unpacks it).
  const unpacked = file.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
  if (unpacked !== file && existsSync(unpacked)) file = unpacked;
  return existsSync(file) ? { kind: 'bundle', url: pathToFileURL(file) } : null;
}

export function startStoreWriter(o: StoreWriterOptions): StoreWriter {
  const source = o.inline ? null : writerWorkerSource();
  if (source) {
    try {
      return new WorkerStoreWriter(source, o);
    } catch (err) {
      o.log(`[sync] could not start the store writer thread (${(err as Error).message}); writing on the main thread`);
    }
  } else if (!o.inline) {
    o.log('[sync] no store writer thread found next to the core; writing on the main thread');
  }
  return new MainThreadStoreWriter(o);
}

class WorkerStoreWriter implements StoreWriter {
  readonly kind = 'worker' as const;
  private readonly worker: Worker;
  /** Frames go on a port of their own, which the writer pulls from (writer-worker.ts). */
  private readonly frames: MessagePort;
  private closing = false;

  constructor(
    source: WorkerSource,
    private readonly o: StoreWriterOptions,
  ) {
    const channel = new MessageChannel();
    this.frames = channel.port1;
    const options = {
      // An 8 MB page cache: a batch of 6,000 messages dirties the leaf pages of every index it
      // lands in (conversation, server id, client id, unread), and with less room they spill
      // and are read back within the same batch. Measured on the ingest bench: 2 MB → 8 MB
      // raised the core's rate by ~10%; 16 MB adds little more and costs its 8 MB of memory.
      workerData: {
        file: o.file,
        maxEvents: o.maxEvents,
        cacheKb: 8_000,
        frames: channel.port2,
        nativeBinding: o.nativeBinding,
      },
      transferList: [channel.port2],
      // A small young generation: the thread holds one batch at a time, and memory is part of
      // the app's budget (each isolate's default would grow to tens of MB under a backlog).
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    };
    this.worker =
      source.kind === 'bundle' ? new Worker(source.url, options) : new Worker(source.code, { ...options, eval: true });
    // A live writer must not keep a process alive on its own; pending work is replayed anyway.
    this.worker.unref();
    this.worker.on('message', (out: WriterOutput) => o.onOutput(out));
    this.worker.on('error', (err) => {
      if (!this.closing) o.onCrash(err);
    });
    this.worker.on('exit', (code) => {
      if (!this.closing) o.onCrash(new Error(`the store writer thread exited (code ${code})`));
    });
  }

  post(input: RawFrame | Extract<WriterInput, { type: 'drop' | 'watched' }>): void {
    if (this.closing) return;
    if (input.type !== 'raw-frame') {
      this.worker.postMessage(input);
      return;
    }
    if (input.raw) {
      // Hand the bytes over without copying them twice; a view into a shared pool is copied first.
      const raw =
        input.raw.byteOffset === 0 &&
        input.raw.byteLength === input.raw.buffer.byteLength &&
        input.raw.buffer instanceof ArrayBuffer
          ? input.raw
          : new Uint8Array(input.raw);
      this.frames.postMessage({ ...input, raw }, [raw.buffer as ArrayBuffer]);
    } else {
      this.frames.postMessage(input);
    }
    this.worker.postMessage({ type: 'frames' } satisfies WriterInput);
  }

  close(): Promise<void> {
    if (this.closing) return Promise.resolve();
    this.closing = true;
    return new Promise<void>((resolve) => {
      // The writer finishes the transaction it is in, closes its connection and ends.
      const timer = setTimeout(() => {
        void this.worker.terminate().then(() => resolve());
      }, 5_000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        this.frames.close();
        resolve();
      });
      this.worker.postMessage({ type: 'close' } satisfies WriterInput);
    });
  }
}

/** The fallback: the same writer and loop on the main thread, a turn per batch. */
class MainThreadStoreWriter implements StoreWriter {
  readonly kind = 'main-thread' as const;
  private readonly writer: BatchWriter;
  private readonly loop: WriterLoop;
  private closed = false;

  constructor(private readonly o: StoreWriterOptions) {
    // Small batches: here a batch holds the main thread for its whole transaction.
    const emit = (out: WriterOutput) => o.onOutput(out);
    let store: LocalStore | null = null;
    try {
      store = LocalStore.open(o.file, undefined, { recover: false, cacheKb: 4_000, nativeBinding: o.nativeBinding });
      this.writer = new BatchWriter(store, Math.min(o.maxEvents, 250), emit);
    } catch (err) {
      const code = (err as { code?: unknown })?.code;
      this.writer = new BatchWriter(null, o.maxEvents, emit, {
        message: (err as Error).message,
        code: typeof code === 'string' ? code : null,
      });
    }
    const opened = store;
    this.loop = new WriterLoop(this.writer, opened ? () => opened.db.pragma('wal_checkpoint(PASSIVE)') : null, o.log);
  }

  post(input: RawFrame | Extract<WriterInput, { type: 'drop' | 'watched' }>): void {
    if (this.closed) return;
    this.writer.accept(input);
    this.loop.kick();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loop.close();
    this.writer.close();
  }
}
