// The store writer's thread: a second SQLite connection (WAL lets the main thread keep reading
// meanwhile) that takes each frame as it came off the socket, parses, validates and prepares it
// (prepared.ts), and applies whatever is waiting in one large transaction. So a backlog of any
// size costs the main thread only handing frames over and hearing back what was committed.
// Bundled on its own as `store-writer.mjs` next to the main bundle (scripts/build.mjs); run
// from source through tsx (store-writer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { LocalStore } from './local-store';
import { BatchWriter, type RawFrame, type WriterInput, type WriterOutput } from './batch-writer';

interface WriterData { file: string; maxEvents: number; cacheKb: number }

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs only as a worker thread.');
const data = workerData as WriterData;
const send = (out: WriterOutput) => port.postMessage(out);

let writer: BatchWriter;
try {
  // recover: false — only the core's own connection decides to set a damaged file aside.
  writer = new BatchWriter(LocalStore.open(data.file, undefined, { recover: false, cacheKb: data.cacheKb }), data.maxEvents, send);
} catch (err) {
  const code = (err as { code?: unknown })?.code;
  writer = new BatchWriter(null, data.maxEvents, send, { message: (err as Error).message, code: typeof code === 'string' ? code : null });
}

let scheduled = false;
let closed = false;

// One batch per turn: frames that arrive while a batch commits join the next one, so batches
// grow with the backlog and shrink to a single frame when the link is quiet.
function schedule(): void {
  if (scheduled || closed) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    if (closed) return;
    writer.step();
    if (writer.hasWork) schedule();
  });
}

port.on('message', (input: WriterInput | RawFrame) => {
  if (closed) return;
  switch (input.type) {
    case 'close':
      closed = true;
      writer.close();
      send({ type: 'closed' });
      port.close();
      return;
    default:
      writer.accept(input);
  }
  schedule();
});
