// The browser shell's HTTP + WebSocket server on 127.0.0.1: serves the built renderer (with
// the web bridge injected and a strict CSP: renderer-http.ts) and carries the preload API over a
// WebSocket.
//
// Who may talk to it: a request must name this server as Host (defeats DNS rebinding); a
// socket must come from this server's own Origin (another site open in the same browser cannot
// connect) and present the access token. Every call is validated before the core sees it.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { IpcEvents, type IpcCallName, type IpcEventName } from '../../shared/ipc';
import {
  BRIDGE_PROTOCOL,
  BRIDGE_SOCKET_PATH,
  BridgeBytesError,
  CallFrame,
  CLOSE_SHUTTING_DOWN,
  MAX_BRIDGE_BYTES,
  MAX_FRAME_BYTES,
  TOKEN_PROTOCOL_PREFIX,
  reviveBytes,
} from '../../preload/bridge-protocol';
import { dispatchIpcCall, type CallableCore, type IpcAnswer } from '../shell-policy/ipc-dispatch';
import { contentSecurityPolicy } from '../shell-policy/content-security-policy';
import { newAccessToken, tokenMatches } from './access-token';
import type { AttachmentFile } from '../shell-policy/attachment-response';
import { rendererHttp } from './renderer-http';
import type { PreviewCapability } from './preview-capability';
import { CallErrorCode, ErrorCode, FrameErrorCode } from '../../shared/error-codes';

/** What the bridge needs of the desktop core. */
export interface BridgeCore extends CallableCore {
  on(event: IpcEventName, listener: (payload: unknown) => void): () => void;
  /** The bytes of an attachment, for previews under /attachments/<id> (DesktopCore has it). */
  fetchAttachment?(attachmentId: string): Promise<AttachmentFile>;
}

export interface BridgeServerOptions {
  core: BridgeCore;
  rendererDir: string;
  /** The web bridge script (dist/renderer-bridge/web-bridge.js), as text. */
  bridgeScript: string;
  port?: number;
  /** Origins the page may also fetch from / show media of (the Converse server). */
  extraOrigins?: string[];
  /** Sees each validated call before the core does (the shell tracks tab focus this way). */
  observeCall?: (name: IpcCallName, args: unknown) => void;
  token?: string;
  /** PNG served as /favicon.ico when the renderer has none. */
  faviconFile?: string;
  /** Checks the `cap` of /attachments/<id>?cap=… (the tab shell issues the URLs); absent: no previews. */
  previews?: PreviewCapability;
}

export interface BridgeServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  token: string;
  /** The address to open: origin + `/#token=…`. */
  url: string;
  broadcast(event: IpcEventName, payload: unknown): void;
  clientCount(): number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_CLIENTS = 32;
const MAX_IN_FLIGHT_PER_CLIENT = 64;
const PING_EVERY_MS = 30_000;

export async function startBridgeServer(opts: BridgeServerOptions): Promise<BridgeServer> {
  const token = opts.token ?? newAccessToken();
  let port = 0;
  const allowedHosts = () => new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${HOST}:${port}`, `http://localhost:${port}`]);
  let csp = '';

  const server = http.createServer(
    rendererHttp({
      rendererDir: opts.rendererDir,
      bridgeScript: opts.bridgeScript,
      token,
      faviconFile: opts.faviconFile,
      previews: opts.previews,
      core: opts.core,
      allowedHosts,
      csp: () => csp,
    }),
  );
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  // --- the bridge socket ---
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: () => BRIDGE_PROTOCOL,
  });
  const alive = new WeakMap<WebSocket, boolean>();

  server.on('upgrade', (req: http.IncomingMessage, sock: Duplex, head: Buffer) => {
    const refuse = (status: number, why: string) => {
      sock.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(why)}\r\n\r\n${why}`,
      );
    };
    if ((req.url ?? '').split('?')[0] !== BRIDGE_SOCKET_PATH) return refuse(404, 'Not found.');
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(421, 'Wrong Host.');
    if (!allowedOrigins().has(req.headers.origin ?? ''))
      return refuse(403, 'This page may not use the Converse bridge (Origin refused).');
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const given = protocols.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
    if (!protocols.includes(BRIDGE_PROTOCOL) || !tokenMatches(token, given))
      return refuse(401, 'Missing or wrong access token.');
    if (wss.clients.size >= MAX_CLIENTS) return refuse(503, 'Too many open tabs.');
    wss.handleUpgrade(req, sock, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    alive.set(ws, true);
    let inFlight = 0;
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void handleFrame(data, isBinary).then(
        (answer) => answer && reply(ws, answer),
        (err) => reply(ws, { id: null, ok: false, error: { code: ErrorCode.INTERNAL, message: String(err) } }),
      );
    });
    ws.on('error', () => {
      /* the close that follows ends this client */
    });

    async function handleFrame(data: RawData, isBinary: boolean): Promise<AnswerOut | null> {
      if (isBinary)
        return { id: null, ok: false, error: { code: FrameErrorCode.INVALID_FRAME, message: 'Frames are JSON text.' } };
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        return {
          id: null,
          ok: false,
          error: { code: FrameErrorCode.INVALID_FRAME, message: 'A frame was not valid JSON.' },
        };
      }
      const frame = CallFrame.safeParse(json);
      const rawId = (json as { id?: unknown } | null)?.id;
      const id = typeof rawId === 'number' && Number.isInteger(rawId) && rawId >= 0 ? rawId : null;
      if (!frame.success) {
        return {
          id,
          ok: false,
          error: {
            code: FrameErrorCode.INVALID_FRAME,
            message: `A call frame needs {id, call, args}: ${frame.error.issues[0]?.message ?? 'rejected'}.`,
          },
        };
      }
      if (inFlight >= MAX_IN_FLIGHT_PER_CLIENT) {
        return {
          id: frame.data.id,
          ok: false,
          error: {
            code: ErrorCode.RATE_LIMITED,
            message: `More than ${MAX_IN_FLIGHT_PER_CLIENT} calls at once; wait for some to finish.`,
          },
        };
      }
      let args: unknown;
      try {
        args = reviveBytes(frame.data.args, decodeBase64, MAX_BRIDGE_BYTES);
      } catch (err) {
        if (err instanceof BridgeBytesError)
          return { id: frame.data.id, ok: false, error: { code: err.code, message: err.message } };
        throw err;
      }
      inFlight++;
      try {
        const answer = await dispatchIpcCall(
          {
            handle: (name, parsedArgs) => {
              opts.observeCall?.(name, parsedArgs);
              return opts.core.handle(name, parsedArgs);
            },
          },
          frame.data.call,
          args,
        );
        return { id: frame.data.id, ...answer };
      } finally {
        inFlight--;
      }
    }
  });

  type AnswerOut = { id: number | null } & (IpcAnswer | { ok: false; error: { code: string; message: string } });
  function reply(ws: WebSocket, answer: AnswerOut): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(answer);
    } catch (err) {
      text = JSON.stringify({
        id: answer.id,
        ok: false,
        error: { code: ErrorCode.INTERNAL, message: `The answer could not be sent: ${String(err)}` },
      });
    }
    ws.send(text);
  }

  function broadcast(event: IpcEventName, payload: unknown): void {
    let text: string;
    try {
      text = JSON.stringify({ event, payload: payload ?? null });
    } catch {
      return;
    }
    for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  }

  const unsubscribe = (Object.keys(IpcEvents) as IpcEventName[]).map((name) =>
    opts.core.on(name, (payload) => broadcast(name, payload)),
  );

  // Tabs closed without a goodbye (laptop lid, killed browser) are dropped after one missed ping.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, PING_EVERY_MS);
  pinger.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: NodeJS.ErrnoException) => {
    clearInterval(pinger);
    for (const u of unsubscribe) u();
    if (err.code === 'EADDRINUSE')
      throw Object.assign(
        new Error(
          `Port ${opts.port} on ${HOST} is in use: stop the other process or choose another port (CONVERSE_WEB_PORT).`,
        ),
        { code: CallErrorCode.PORT_IN_USE },
      );
    throw err;
  });
  port = (server.address() as { port: number }).port;
  const origin = `http://${HOST}:${port}`;
  csp = contentSecurityPolicy({
    connectSrc: [`ws://${HOST}:${port}`, `ws://localhost:${port}`, ...(opts.extraOrigins ?? [])],
    mediaSrc: opts.extraOrigins ?? [],
  });

  let closed: Promise<void> | null = null;
  return {
    origin,
    port,
    token,
    url: `${origin}/#token=${token}`,
    broadcast,
    clientCount: () => wss.clients.size,
    close() {
      closed ??= (async () => {
        clearInterval(pinger);
        for (const u of unsubscribe) u();
        for (const ws of wss.clients) ws.close(CLOSE_SHUTTING_DOWN, 'shutting down');
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            for (const ws of wss.clients) ws.terminate();
            resolve();
          }, 1000);
          t.unref();
          const check = () => (wss.clients.size === 0 ? (clearTimeout(t), resolve()) : setTimeout(check, 20).unref());
          check();
        });
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closed;
    },
  };
}

function decodeBase64(b64: string): Uint8Array {
  const buf = Buffer.from(b64, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export { injectBridge } from './renderer-http';
