// The embedded demo server, in an Electron utility process (bundled as dist/main/embedded-server.mjs):
// its SQLite writes, HTTP and WebSocket work never run on the thread that draws the UI, and a
// crash in it cannot take the app down. It does not import Electron; it talks to main over
// process.parentPort with the messages of embedded-server-protocol.ts.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { startServer, type RunningServer } from '../server/app';
import { EmbeddedServerRequest, type EmbeddedServerReply } from './embedded-server-protocol';
import { listenWithFallback } from './shell-policy/port-fallback';

const port = process.parentPort;
if (!port) throw new Error('embedded-server-process runs only in an Electron utility process.');
const reply = (r: EmbeddedServerReply) => port.postMessage(r);

/** Rotated at start past this size: one previous file is kept. */
const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

/** An append stream to the server's log file (a packaged app has no terminal to log to). */
function openLog(file: string): { write(line: string): void } {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (existsSync(file) && statSync(file).size > LOG_ROTATE_BYTES) renameSync(file, `${file}.1`);
  const stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  stream.on('error', () => {
    /* a log that cannot be written never stops the server */
  });
  return {
    write: (line) => {
      stream.write(line);
    },
  };
}

let server: RunningServer | null = null;
port.on('message', (event: Electron.MessageEvent) => {
  const parsed = EmbeddedServerRequest.safeParse(event.data);
  if (!parsed.success) {
    reply({ type: 'failed', message: `unknown request from the app: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
    return;
  }
  const req = parsed.data;
  if (req.type === 'start') {
    if (server) return;
    const logDestination = openLog(req.logFile);
    listenWithFallback(
      (p) =>
        startServer({
          demo: true,
          port: p,
          dataDir: req.dataDir,
          sqliteBinding: req.sqliteBinding,
          log: 'info',
          logDestination,
        }),
      req.port,
    )
      .then(({ server: s, fellBack }) => {
        server = s;
        reply({ type: 'listening', url: s.url, port: s.port, fellBack });
      })
      .catch((err: unknown) => {
        const e = err as NodeJS.ErrnoException;
        reply({
          type: 'failed',
          message: e?.message ?? String(err),
          code: typeof e?.code === 'string' ? e.code : undefined,
        });
        process.exit(1);
      });
    return;
  }
  // stop: close what is open (outbound sends settle, the database closes), then leave.
  void (server?.close() ?? Promise.resolve())
    .catch(() => undefined)
    .finally(() => {
      reply({ type: 'stopped' });
      process.exit(0);
    });
});
reply({ type: 'ready' });
