// Serves the built renderer on app://converse/ with the strict CSP on every response. A custom
// standard scheme gives the page a real origin (for the IPC sender check and the CSP) and no
// file:// powers; paths that would leave dist/renderer get nothing.
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_HOST, APP_SCHEME } from './app-paths';
import { contentTypeOf, resolveRendererFile } from './shell-policy/renderer-files';
import { contentSecurityPolicy } from './shell-policy/content-security-policy';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  const csp = contentSecurityPolicy();
  const headers = (type: string) => ({
    'Content-Type': type,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404, headers: headers('text/plain') });
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
