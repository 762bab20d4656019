// The store writer's thread: a second SQLite connection (WAL lets the main thread keep reading
// meanwhile) that takes each frame as it came off the socket, parses, validates and prepares it
// (prepared.ts), and applies whatever is waiting in one large transaction. So a backlog of any
// size costs the main thread only handing frames over and hearing back what was committed.
// Bundled on its own as `store-writer.mjs` next to the main bundle (scripts/build.mjs); run
// from source through tsx (store-writer.ts).
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { LocalStore } from './local-store';
import { BatchWriter, type RawFrame, type WriterInput, type WriterOutput } from './batch-writer';
import { WriterLoop } from './writer-loop';

interface WriterData {
  file: string;
  maxEvents: number;
  cacheKb: number;
  frames: MessagePort;
  nativeBinding?: string;
}

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs only as a worker thread.');
const data = workerData as WriterData;
const send = (out: WriterOutput) => port.postMessage(out);
// Frames come on a port of their own that is never started: they stay in its queue, as the
// bytes that were transferred, until a batch pulls them one by one. A frame received as an
// event would wait as a JS object through the batch before it, live long enough to be promoted,
// and keep its bytes until the next full GC: tens of MB under a backlog.
const pullFrame = (): RawFrame | undefined => receiveMessageOnPort(data.frames)?.message as RawFrame | undefined;

/** WAL pages above which a commit of this connection checkpoints on its own (SQLite's
 * autocheckpoint): about 250 MB, the bound on the WAL while a backlog streams in. */
const WAL_CAP_PAGES = 64_000;

let writer: BatchWriter;
let store: LocalStore | null = null;
try {
  // recover: false — only the core's own connection decides to set a damaged file aside.
  store = LocalStore.open(data.file, undefined, {
    recover: false,
    cacheKb: data.cacheKb,
    nativeBinding: data.nativeBinding,
  });
  // Measured (100k messages applied as the writer does): with a checkpoint every 20,000 pages,
  // copying the WAL back ran inside the backlog's commits, about half of their time (0.46 s of
  // commits → 0.22 s without). The writer lets
  // the WAL grow up to the cap while frames keep coming and checkpoints once the link goes
  // quiet; journal_size_limit then shrinks the WAL file when it restarts.
  store.db.pragma(`wal_autocheckpoint = ${WAL_CAP_PAGES}`);
  store.db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  writer = new BatchWriter(store, data.maxEvents, send, null, pullFrame);
} catch (err) {
  const code = (err as { code?: unknown })?.code;
  writer = new BatchWriter(
    null,
    data.maxEvents,
    send,
    { message: (err as Error).message, code: typeof code === 'string' ? code : null },
    pullFrame,
  );
}

const opened = store;
const loop = new WriterLoop(writer, opened ? () => opened.db.pragma('wal_checkpoint(PASSIVE)') : null, (line) =>
  send({ type: 'log', line }),
);
let closed = false;

port.on('message', (input: WriterInput) => {
  if (closed) return;
  switch (input.type) {
    case 'frames':
      // Frames wait on the frame port: the next batch pulls them.
      break;
    case 'close':
      closed = true;
      loop.close();
      writer.close();
      data.frames.close();
      send({ type: 'closed' });
      port.close();
      return;
    case 'drop':
    case 'watched':
      writer.accept(input);
      break;
  }
  loop.kick();
});
