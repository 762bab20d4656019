// The one way connectors call a provider: global fetch, bounded in time, and a failure that
// never throws but says whether trying again could help.
import type { SendOutcome } from './connector';
import { ErrorCode } from '../../shared/error-codes';
import { parseProviderJson } from './provider-json';

export const PROVIDER_TIMEOUT_MS = 15_000;

export type Fetch = typeof fetch;

export type HttpResult = { ok: true; response: Response } | { ok: false; failure: Extract<SendOutcome, { ok: false }> };

/**
 * Make one request. A connection that could not be made is retryable; a timeout is too, though
 * the provider may have accepted the message (no provider here offers an idempotency key, so a
 * rare duplicate is the price of not losing the message).
 */
export async function callProvider(
  fetchFn: Fetch,
  provider: string,
  url: string,
  init: RequestInit,
  timeoutMs = PROVIDER_TIMEOUT_MS,
): Promise<HttpResult> {
  try {
    const response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { ok: true, response };
  } catch (err) {
    const reason =
      err instanceof Error
        ? err.name === 'TimeoutError'
          ? `no answer within ${timeoutMs / 1000} s`
          : ((err.cause as Error | undefined)?.message ?? err.message)
        : String(err);
    return {
      ok: false,
      failure: {
        ok: false,
        retryable: true,
        code: ErrorCode.PROVIDER_ERROR,
        message: `${provider} could not be reached: ${reason}.`,
      },
    };
  }
}

/** The body as JSON (ids kept exactly, provider-json.ts), or null when it is not JSON (error pages from proxies are HTML). */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return parseProviderJson(text);
  } catch {
    return null;
  }
}

/** Retry-After (seconds or an HTTP date) in milliseconds, when the provider sent one. */
export function retryAfterMs(response: Response, now = Date.now()): number | undefined {
  const raw = response.headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Statuses where the same request may succeed later. */
export const isRetryableHttpStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** Seconds since the epoch (as providers send them) to a Date; null when it is not a time. */
export function fromUnixSeconds(value: string | number): Date | null {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : null;
}

/**
 * The text that travels with a file. The pipeline may give both a body and a caption; neither is
 * dropped: they are joined when they differ.
 */
export function textWithMedia(msg: { body: string; caption?: string }): string {
  const body = msg.body.trim();
  const caption = msg.caption?.trim() ?? '';
  if (!caption) return body;
  if (!body || body === caption) return caption;
  return `${body}\n${caption}`;
}

export type SendFailure = Extract<SendOutcome, { ok: false }>;

/** A refusal that no retry can change (bad input, a rule of the provider). */
export const refuse = (code: string, message: string): SendFailure => ({ ok: false, retryable: false, code, message });

/** A Blob of file bytes for multipart uploads (the bytes are ArrayBuffer-backed in Node). */
export const blobOf = (bytes: Uint8Array, type: string): Blob => new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
