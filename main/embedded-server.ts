// Starts the embedded demo server in an Electron utility process (embedded-server-process.ts)
// and stops it on quit. The port is stable (the saved session names the server's address) unless
// something else holds it, then a free one is used. An unexpected exit restarts it on the port
// it had, a few times, so the desktop core's address stays valid.
import { utilityProcess, type UtilityProcess } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EmbeddedServerReply, type EmbeddedServerRequest } from './embedded-server-protocol';

const START_WITHIN_MS = 30_000;
const STOP_WITHIN_MS = 4_000;
const MAX_RESTARTS = 3;

export interface EmbeddedServer {
  url: string;
  /** True when the preferred port was taken and another was used. */
  fellBack: boolean;
  close(): Promise<void>;
}

export interface EmbeddedServerOptions {
  /** dist/main/embedded-server.mjs (or its app.asar.unpacked copy in a packaged app). */
  entry: string;
  dataDir: string;
  port: number;
  sqliteBinding?: string;
  /** Where the server writes its own log. */
  logFile: string;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** A utility process's script must be on disk, outside the asar archive (electron-builder.config.ts). */
export function unpackedEntry(file: string): string {
  const unpacked = file.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
  return unpacked !== file && existsSync(unpacked) ? unpacked : file;
}

function spawn(
  o: EmbeddedServerOptions,
  port: number,
): Promise<{ child: UtilityProcess; reply: Extract<EmbeddedServerReply, { type: 'listening' }> }> {
  return new Promise((resolve, reject) => {
    const start: EmbeddedServerRequest = {
      type: 'start',
      dataDir: o.dataDir,
      port,
      sqliteBinding: o.sqliteBinding,
      logFile: o.logFile,
    };
    const child = utilityProcess.fork(o.entry, [], { serviceName: 'Converse embedded server', stdio: 'inherit' });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`The embedded server did not start within ${START_WITHIN_MS / 1000} s.`));
    }, START_WITHIN_MS);
    const onExit = (code: number) => {
      clearTimeout(timer);
      reject(new Error(`The embedded server exited while starting (code ${code}).`));
    };
    child.once('exit', onExit);
    child.on('message', (raw: unknown) => {
      const parsed = EmbeddedServerReply.safeParse(raw);
      if (!parsed.success) {
        o.log('warn', `embedded server: unreadable message (${parsed.error.issues[0]?.message})`);
        return;
      }
      const reply = parsed.data;
      if (reply.type === 'ready') child.postMessage(start);
      else if (reply.type === 'listening') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, reply });
      } else if (reply.type === 'failed') {
        clearTimeout(timer);
        child.off('exit', onExit);
        reject(Object.assign(new Error(`The embedded server could not start: ${reply.message}`), { code: reply.code }));
      }
    });
  });
}

export async function startEmbeddedServer(o: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const first = await spawn(o, o.port);
  const reply = first.reply;
  let child = first.child;
  if (reply.fellBack) o.log('warn', `embedded server: port ${o.port} is taken; listening on ${reply.port} instead`);
  o.log('info', `embedded server listening on ${reply.url}`);
  let closing = false;
  let restarts = 0;
  const watch = (c: UtilityProcess) =>
    c.once('exit', (code: number) => {
      if (closing) return;
      o.log('error', `embedded server exited unexpectedly (code ${code})`);
      if (restarts >= MAX_RESTARTS) {
        o.log('error', 'embedded server: not restarted again');
        return;
      }
      restarts += 1;
      spawn(o, reply.port)
        .then((next) => {
          child = next.child;
          watch(child);
          o.log('info', `embedded server restarted on ${next.reply.url}`);
        })
        .catch((err: Error) => o.log('error', `embedded server could not restart: ${err.message}`));
    });
  watch(child);
  return {
    url: reply.url,
    fellBack: reply.fellBack,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        const timer = setTimeout(() => {
          child.kill();
          resolve();
        }, STOP_WITHIN_MS);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        const stop: EmbeddedServerRequest = { type: 'stop' };
        child.postMessage(stop);
      }),
  };
}
