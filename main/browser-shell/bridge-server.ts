// The browser shell's HTTP + WebSocket server on 127.0.0.1: serves the built renderer (with
// the web bridge injected and a strict CSP) and carries the preload API over a WebSocket.
//
// Who may talk to it: a request must name this server as Host (defeats DNS rebinding); a
// socket must come from this server's own Origin (another site open in the same browser cannot
// connect) and present the access token. Every call is validated before the core sees it.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { IpcEvents, type IpcCallName, type IpcEventName } from '../../shared/ipc';
import {
  BRIDGE_CHECK_PATH,
  BRIDGE_PROTOCOL,
  BRIDGE_SCRIPT_PATH,
  BRIDGE_SOCKET_PATH,
  BridgeBytesError,
  CallFrame,
  CLOSE_SHUTTING_DOWN,
  MAX_BRIDGE_BYTES,
  MAX_FRAME_BYTES,
  TOKEN_HEADER,
  TOKEN_PROTOCOL_PREFIX,
  reviveBytes,
} from '../../preload/bridge-protocol';
import { dispatchIpcCall, type CallableCore, type IpcAnswer } from '../shell-policy/ipc-dispatch';
import { contentSecurityPolicy } from '../shell-policy/content-security-policy';
import { contentTypeOf, resolveRendererFile } from '../shell-policy/renderer-files';
import { newAccessToken, tokenMatches } from './access-token';
import { answerAttachment, attachmentIdFromPath, type AttachmentFile } from '../shell-policy/attachment-response';
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

  const server = http.createServer((req, res) => {
    void serveHttp(req, res).catch((err) => {
      if (!res.headersSent) sendText(res, 500, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function serveHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? ''))
      return sendText(res, 421, 'Wrong Host: open the address the shell printed.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.');
    const pathname = (req.url ?? '/').split('?')[0];

    const attachmentId = attachmentIdFromPath(pathname);
    if (attachmentId !== null || pathname.startsWith('/attachments/')) {
      return serveAttachment(req, res, attachmentId);
    }

    if (pathname === BRIDGE_CHECK_PATH) {
      res.writeHead(tokenMatches(token, req.headers[TOKEN_HEADER]) ? 204 : 401, { 'Cache-Control': 'no-store' });
      return void res.end();
    }
    if (pathname === BRIDGE_SCRIPT_PATH) {
      return send(res, req, 200, opts.bridgeScript, 'text/javascript; charset=utf-8', 'no-cache');
    }
    const file = resolveRendererFile(opts.rendererDir, pathname);
    if (!file) return sendText(res, 400, 'Bad path.');
    if (pathname === '/favicon.ico' && opts.faviconFile) {
      const icon = await readFile(file)
        .catch(() => readFile(opts.faviconFile!))
        .catch(() => null);
      if (icon) return send(res, req, 200, icon, 'image/png', 'public, max-age=86400');
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      if (file.endsWith('index.html'))
        return sendText(
          res,
          503,
          'The renderer is not built yet: run `npm run build:renderer` (npm run web does it for you).',
        );
      return sendText(res, 404, 'Not found.');
    }
    if (file.endsWith('index.html')) {
      return send(res, req, 200, injectBridge(body.toString('utf8')), 'text/html; charset=utf-8', 'no-store');
    }
    const immutable = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(pathname);
    return send(
      res,
      req,
      200,
      body,
      contentTypeOf(file),
      immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
  }

  // A preview: only with the capability issued for exactly this id (the page's own <img> sends
  // no bridge token), through the core, with the nosniff / sandbox headers of attachment-response.
  async function serveAttachment(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    attachmentId: string | null,
  ): Promise<void> {
    const cap = new URL(req.url ?? '/', 'http://x').searchParams.get('cap');
    if (attachmentId === null) return sendText(res, 400, 'Bad attachment id.');
    if (!opts.previews || !opts.previews.allows(attachmentId, cap))
      return sendText(res, 403, 'This preview link is not valid (it lasts until the shell restarts).');
    const core = opts.core;
    const fetchFile = core.fetchAttachment ? (id: string) => core.fetchAttachment!(id) : undefined;
    const range = req.headers.range;
    const answer = await answerAttachment(
      { attachmentId, method: req.method ?? 'GET', range: typeof range === 'string' ? range : null },
      fetchFile,
    );
    res.writeHead(answer.status, answer.headers);
    res.end(
      req.method === 'HEAD'
        ? undefined
        : Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength),
    );
  }

  function securityHeaders(): Record<string, string> {
    return {
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    };
  }
  function send(
    res: http.ServerResponse,
    req: http.IncomingMessage,
    status: number,
    body: string | Buffer,
    type: string,
    cache: string,
  ): void {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, {
      ...securityHeaders(),
      'Content-Type': type,
      'Content-Length': buf.length,
      'Cache-Control': cache,
    });
    res.end(req.method === 'HEAD' ? undefined : buf);
  }
  function sendText(res: http.ServerResponse, status: number, text: string): void {
    const buf = Buffer.from(text + '\n', 'utf8');
    res.writeHead(status, {
      ...securityHeaders(),
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': buf.length,
      'Cache-Control': 'no-store',
    });
    res.end(buf);
  }

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

/** Put the bridge script first in <head>: a classic script runs before the app's deferred modules. */
export function injectBridge(html: string): string {
  const tag = `<script src="${BRIDGE_SCRIPT_PATH}"></script>`;
  if (html.includes(tag)) return html;
  const head = /<head[^>]*>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length);
  return tag + html;
}
