// Serves the built renderer on app://converse/ with the strict CSP on every response, and
// received attachments on app://converse/attachments/<id> for inline previews (fetched through
// the desktop core, never from disk). A custom standard scheme gives the page a real origin (for
// the IPC sender check and the CSP) and no file:// powers; paths that would leave dist/renderer
// get nothing.
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from './app-paths';
import { contentTypeOf, resolveRendererFile } from './shell-policy/renderer-files';
import { contentSecurityPolicy } from './shell-policy/content-security-policy';
import { answerAttachment, attachmentIdFromPath, type FetchAttachment } from './shell-policy/attachment-response';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // stream: lets <video>/<audio> read previews in ranges.
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true, stream: true },
    },
  ]);
}

/** The Electron preview URL of an attachment (ShellPort.previewUrl). */
export function appPreviewUrl(attachmentId: string): string {
  return `${APP_ORIGIN}/attachments/${encodeURIComponent(attachmentId)}`;
}

/**
 * `fetchAttachment` is read late (the core is created after the protocol is handled); while it
 * is not there yet a preview answers 404 and the renderer shows the file chip.
 */
export function serveRenderer(
  rendererDir: string,
  fetchAttachment: () => FetchAttachment | undefined = () => undefined,
): void {
  const csp = contentSecurityPolicy({ mediaSrc: [APP_ORIGIN] });
  const headers = (type: string) => ({
    'Content-Type': type,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404, headers: headers('text/plain') });
    const attachmentId = attachmentIdFromPath(url.pathname);
    if (attachmentId) {
      const answer = await answerAttachment(
        { attachmentId, method: request.method, range: request.headers.get('range') },
        fetchAttachment(),
      );
      const body = request.method === 'HEAD' || answer.status === 416 ? null : new Uint8Array(answer.body);
      return new Response(body, { status: answer.status, headers: answer.headers });
    }
    const file = resolveRendererFile(rendererDir, url.pathname);
    if (!file) return new Response('Bad path', { status: 400, headers: headers('text/plain') });
    try {
      const body = await readFile(file);
      return new Response(new Uint8Array(body), { status: 200, headers: headers(contentTypeOf(file)) });
    } catch {
      return new Response('Not found', { status: 404, headers: headers('text/plain') });
    }
  });
}
