// The Content-Security-Policy of every page the app shows, in both shells: scripts only from the
// app itself (no remote script, no eval, no inline script), nothing framed, no plugins, forms go
// nowhere. Inline styles stay allowed because React and the emoji picker set style attributes.
export interface CspOptions {
  /** Extra origins the page may connect to (the bridge socket, the Converse server). */
  connectSrc?: string[];
  /** Extra origins images and media may come from (received attachments). */
  mediaSrc?: string[];
}

export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const connect = ["'self'", ...(opts.connectSrc ?? [])];
  const media = ["'self'", 'data:', 'blob:', ...(opts.mediaSrc ?? [])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${media.join(' ')}`,
    `media-src ${media.join(' ')}`,
    "font-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "worker-src 'self' blob:",
  ].join('; ');
}
