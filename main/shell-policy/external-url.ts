// Which links may leave the app for the OS. Only web pages and e-mail: a `file:`, `javascript:`,
// custom-scheme or `smb:` link from a message could run code or leak credentials, so it is refused.
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** True when `url` parses and its scheme is http, https or mailto. */
export function isAllowedExternalUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length === 0 || url.length > 8192) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return ALLOWED_PROTOCOLS.has(parsed.protocol);
}
