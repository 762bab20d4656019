// The browser shell's HTTP side: the built renderer's files (the web bridge injected into
// index.html, a strict CSP and the other security headers on every answer), the bridge check and
// script, and attachment previews. Only requests naming this server as Host are answered
// (defeats DNS rebinding). bridge-server.ts owns the server and the bridge socket.
import type http from 'node:http';
import { readFile } from 'node:fs/promises';
import { BRIDGE_CHECK_PATH, BRIDGE_SCRIPT_PATH, TOKEN_HEADER } from '../../preload/bridge-protocol';
import { contentTypeOf, resolveRendererFile } from '../shell-policy/renderer-files';
import { answerAttachment, attachmentIdFromPath, type AttachmentFile } from '../shell-policy/attachment-response';
import { tokenMatches } from './access-token';
import type { PreviewCapability } from './preview-capability';

export interface RendererHttpOptions {
  rendererDir: string;
  /** The web bridge script, as text. */
  bridgeScript: string;
  token: string;
  /** PNG served as /favicon.ico when the renderer has none. */
  faviconFile?: string;
  /** Checks the `cap` of /attachments/<id>?cap=…; absent: no previews. */
  previews?: PreviewCapability;
  /** Where preview bytes come from (the desktop core). */
  core: { fetchAttachment?(attachmentId: string): Promise<AttachmentFile> };
  /** Host headers this server answers to (known once it listens). */
  allowedHosts(): Set<string>;
  /** The Content-Security-Policy of every answer (known once it listens). */
  csp(): string;
}

type Request = http.IncomingMessage;
type Response = http.ServerResponse;

/** The request listener of the browser shell's HTTP server. */
export function rendererHttp(opts: RendererHttpOptions): (req: Request, res: Response) => void {
  return (req, res) => {
    void serveHttp(req, res).catch((err) => {
      if (!res.headersSent) sendText(res, 500, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
      else res.destroy();
    });
  };

  async function serveHttp(req: Request, res: Response): Promise<void> {
    if (!opts.allowedHosts().has(req.headers.host ?? ''))
      return sendText(res, 421, 'Wrong Host: open the address the shell printed.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.');
    const pathname = (req.url ?? '/').split('?')[0];

    const attachmentId = attachmentIdFromPath(pathname);
    if (attachmentId !== null || pathname.startsWith('/attachments/')) {
      return serveAttachment(req, res, attachmentId);
    }

    if (pathname === BRIDGE_CHECK_PATH) {
      res.writeHead(tokenMatches(opts.token, req.headers[TOKEN_HEADER]) ? 204 : 401, { 'Cache-Control': 'no-store' });
      return void res.end();
    }
    if (pathname === BRIDGE_SCRIPT_PATH) {
      return send(res, req, 200, opts.bridgeScript, 'text/javascript; charset=utf-8', 'no-cache');
    }
    return serveRendererFile(req, res, pathname);
  }

  // A file of the built renderer: index.html with the bridge injected, hashed assets cached for good.
  async function serveRendererFile(req: Request, res: Response, pathname: string): Promise<void> {
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
  async function serveAttachment(req: Request, res: Response, attachmentId: string | null): Promise<void> {
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
      'Content-Security-Policy': opts.csp(),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    };
  }
  function send(res: Response, req: Request, status: number, body: string | Buffer, type: string, cache: string): void {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, {
      ...securityHeaders(),
      'Content-Type': type,
      'Content-Length': buf.length,
      'Cache-Control': cache,
    });
    res.end(req.method === 'HEAD' ? undefined : buf);
  }
  function sendText(res: Response, status: number, text: string): void {
    const buf = Buffer.from(text + '\n', 'utf8');
    res.writeHead(status, {
      ...securityHeaders(),
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': buf.length,
      'Cache-Control': 'no-store',
    });
    res.end(buf);
  }
}

/** Put the bridge script first in <head>: a classic script runs before the app's deferred modules. */
export function injectBridge(html: string): string {
  const tag = `<script src="${BRIDGE_SCRIPT_PATH}"></script>`;
  if (html.includes(tag)) return html;
  const head = /<head[^>]*>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length);
  return tag + html;
}
