// Copying the WAL back into the database file, a few times a second, off the event loop.
// A checkpoint copies every page written since the last one and fsyncs twice: under 500 inbound
// messages/s each one held the thread that ran it for 24 ms (median; 37 ms at p90, 63 ms at
// worst), four times a second. A thread of its own with its own connection runs them, so the
// requests and streams never wait behind one; PASSIVE never waits for readers or writers, and
// WAL lets the server's connection go on writing meanwhile. Where no thread can be started
// (a packaged app that cannot load the module in a worker, say), the same checkpoints run on a
// timer on this thread, as SQLite's own would, only less often.
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface Checkpoints {
  /** 'thread' once its connection is open; 'timer' on this thread otherwise. */
  readonly where: 'thread' | 'timer' | 'starting';
  stop(): Promise<void>;
}

export interface CheckpointOptions {
  file: string;
  /** Between checkpoints while the last one copied something back. */
  everyMs: number;
  /** Between checkpoints once one found nothing to copy (default `everyMs`): an idle server's thread sleeps longer. */
  quietMs?: number;
  /** The Electron-ABI build of better-sqlite3 (the embedded server in the Electron shell). */
  nativeBinding?: string;
  /** The better-sqlite3 module the thread loads (default: the one this process resolves). */
  module?: string;
}

// CommonJS evaluated in the worker: a bundle or a packaged app need no file of its own for it.
const THREAD = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
parentPort.postMessage({ type: 'open' });
let timer = null;
// The WAL's frames and how many of them are copied, as the last checkpoint left them: the same
// again means nothing was written meanwhile.
let last = '';
const next = () => {
  let now;
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    now = r.log + '/' + r.checkpointed;
  } catch {
    // Busy or closing: the next tick copies what is left.
    now = '';
  }
  timer = setTimeout(next, now === last ? workerData.quietMs : workerData.everyMs);
  last = now;
};
timer = setTimeout(next, workerData.everyMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Start checkpointing `file` on a thread (every `everyMs` while there is something to copy, every
 * `quietMs` otherwise), or every `quietMs` on a timer on `db` when no thread starts.
 */
export function startCheckpoints(db: Database.Database, o: CheckpointOptions): Checkpoints {
  let where: Checkpoints['where'] = 'starting';
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const onThisThread = () => {
    if (stopped || timer) return;
    where = 'timer';
    // On this thread a checkpoint holds the requests up, so the longer period: fewer, larger copies.
    timer = setInterval(() => {
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // Busy or closing: the next tick copies what is left.
      }
    }, o.quietMs ?? o.everyMs);
    // A CLI command or a test ends when its work does, not when the next checkpoint is due.
    timer.unref();
  };

  let worker: Worker | null = null;
  try {
    worker = new Worker(THREAD, {
      eval: true,
      workerData: {
        file: o.file,
        everyMs: o.everyMs,
        quietMs: o.quietMs ?? o.everyMs,
        nativeBinding: o.nativeBinding,
        module: o.module ?? createRequire(import.meta.url).resolve('better-sqlite3'),
      },
      // One connection and a timer: the smallest heap will do.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    });
  } catch {
    onThisThread();
  }
  let exited: Promise<void> = Promise.resolve();
  if (worker) {
    worker.unref();
    worker.on('message', () => {
      if (where === 'starting') where = 'thread';
    });
    exited = new Promise((resolve) => {
      // The thread could not load the module or open the file, or died: this thread takes over.
      worker!.once('error', onThisThread);
      worker!.once('exit', () => {
        onThisThread();
        resolve();
      });
    });
  }

  return {
    get where() {
      return where;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      if (!worker) return;
      // Kept alive until it has closed its connection: awaited, an unref'd thread's exit would
      // not hold the process open, and a caller with nothing else pending would end there.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
