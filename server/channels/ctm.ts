// CTM texting connector. Basic auth with the access key and secret key (documented); the
// endpoint and payloads are assumed and live in ctm-shapes.ts.
import type { Connector, OutboundMessage, SendOutcome } from './connector';
import type { CtmSettings } from './settings';
import {
  callProvider,
  readJson,
  retryAfterMs,
  isRetryableHttpStatus,
  textWithMedia,
  refuse,
  blobOf,
  type Fetch,
} from './http';
import {
  CTM_MEDIA_PART,
  CTM_TEXT_MAX,
  CtmErrorResponse,
  CtmSendResponse,
  ctmSendPath,
  mapCtmStatus,
  type CtmSendRequest,
} from './ctm-shapes';
import { ErrorCode } from '../../shared/error-codes';

export interface CtmConnector extends Connector {
  readonly provider: 'ctm';
  /** Download an inbound picture by the url the webhook carried. */
  fetchAttachment(url: string): Promise<Uint8Array>;
}

export function createCtmConnector(settings: CtmSettings, opts: { fetch?: Fetch } = {}): CtmConnector {
  const fetchFn = opts.fetch ?? fetch;
  const auth = {
    authorization: `Basic ${Buffer.from(`${settings.accessKey}:${settings.secretKey}`).toString('base64')}`,
  };
  const apiOrigin = new URL(settings.apiBaseUrl).origin;

  function requestFor(msg: OutboundMessage): { ok: true; init: RequestInit } | Extract<SendOutcome, { ok: false }> {
    const text = msg.media ? textWithMedia(msg) : msg.body;
    if (text.length > CTM_TEXT_MAX)
      return refuse(
        ErrorCode.BODY_TOO_LONG,
        `A CTM text holds at most ${CTM_TEXT_MAX} characters; this one has ${text.length}.`,
      );
    const fields: CtmSendRequest = { to: msg.to, from: settings.fromNumber, msg: text };
    if (!msg.media) {
      if (!text.trim()) return refuse(ErrorCode.EMPTY_MESSAGE, 'There is nothing to send.');
      return {
        ok: true,
        init: {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(fields),
        },
      };
    }
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.set(CTM_MEDIA_PART, blobOf(msg.media.bytes, msg.media.mimeType), msg.media.fileName);
    return { ok: true, init: { method: 'POST', headers: auth, body: form } };
  }

  return {
    name: 'ctm',
    channel: 'sms',
    provider: 'ctm',
    businessNumber: settings.fromNumber,

    async send(msg) {
      const built = requestFor(msg);
      if (!built.ok) return built;
      const r = await callProvider(
        fetchFn,
        'CTM',
        `${settings.apiBaseUrl}${ctmSendPath(settings.accountId)}`,
        built.init,
      );
      if (!r.ok) return r.failure;
      const json = await readJson(r.response);
      if (!r.response.ok) {
        const err = CtmErrorResponse.safeParse(json);
        return {
          ok: false,
          retryable: isRetryableHttpStatus(r.response.status),
          code: r.response.status === 401 ? ErrorCode.CHANNEL_NOT_CONFIGURED : ErrorCode.PROVIDER_ERROR,
          ...(err.success && err.data.code ? { providerCode: err.data.code } : {}),
          message: `CTM refused the text: ${err.success ? err.data.error : `HTTP ${r.response.status}`}`,
          retryAfterMs: retryAfterMs(r.response),
        };
      }
      const body = CtmSendResponse.safeParse(json);
      if (!body.success)
        return {
          ok: false,
          retryable: false,
          code: ErrorCode.PROVIDER_ERROR,
          message: 'CTM accepted the text but its answer carried no message id.',
        };
      const status = mapCtmStatus(body.data.status);
      if (status === 'failed')
        return {
          ok: false,
          retryable: false,
          code: ErrorCode.PROVIDER_ERROR,
          providerCode: body.data.status,
          message: 'CTM could not send this text.',
        };
      return { ok: true, providerMessageId: body.data.id, status: status === 'queued' ? 'queued' : 'sent' };
    },

    async fetchAttachment(url) {
      const u = new URL(url);
      // Credentials go to CTM only (ASSUMED: media is served from the API host or a CTM host).
      const trusted =
        u.origin === apiOrigin || (u.protocol === 'https:' && u.hostname.endsWith('.calltrackingmetrics.com'));
      const res = await fetchFn(u, { headers: trusted ? auth : {}, signal: AbortSignal.timeout(30_000) });
      if (!res.ok) throw new Error(`CTM attachment: HTTP ${res.status}.`);
      return new Uint8Array(await res.arrayBuffer());
    },

    fetchInboundMedia(ref) {
      return this.fetchAttachment(ref);
    },
  };
}
