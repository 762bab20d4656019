// What never reaches a log file, server or desktop: secrets in URLs (webhook secrets, the
// verify token of WhatsApp's handshake, access tokens, the browser shell's #token=) and bearer
// tokens in text. One rule for both sides, applied to every line before it is written.

/** Query (and fragment) parameters whose values are secrets, lower-cased. */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'secret',
  'hub.verify_token',
  'verify_token',
  'validationtoken',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'key',
  'password',
  'client_secret',
  'signature',
  'sig',
  'auth',
]);

export const REDACTED = '[redacted]';

// name=value inside a URL or text, the name one of SECRET_PARAMS (percent-encoded dots too).
const PARAM = /([?&#;\s"']|^)([A-Za-z0-9_.%-]+)=([^&#\s"',;]*)/g;
// "Bearer abc", "Authorization: abc", "X-Api-Key: abc" inside free text.
const CREDENTIAL =
  /\b(authorization|x-api-key|cookie)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"',;]+|\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi;

const isSecretName = (name: string): boolean => {
  let n = name.toLowerCase();
  try {
    n = decodeURIComponent(n);
  } catch {
    /* keep it as written */
  }
  return SECRET_PARAMS.has(n);
};

/** A URL (or path with a query) with the values of secret parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(PARAM, (whole, lead: string, name: string) =>
    isSecretName(name) ? `${lead}${name}=${REDACTED}` : whole,
  );
}

/** Free text (a log message, an error) with secret parameters and credentials replaced. */
export function redactText(text: string): string {
  return redactUrl(text).replace(
    CREDENTIAL,
    (_whole, header: string | undefined, sep: string | undefined, scheme: string | undefined) =>
      header ? `${header}${sep}${REDACTED}` : `${scheme} ${REDACTED}`,
  );
}
