// RingCentral SMS/MMS connector. SMS is a JSON POST to the extension's /sms endpoint; MMS is the
// same endpoint as multipart/form-data (the JSON request part, then the attachment). RingCentral
// does not push an outbound message's status: its message-store event only says that messages
// changed, so the status is read back from the message store (fetchStatus / changedSince).
import { z } from 'zod';
import type { Connector, OutboundMessage, SendOutcome, StatusUpdate } from './connector';
import type { RingCentralSettings } from './settings';
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
import { ErrorCode } from '../../shared/error-codes';

export const RINGCENTRAL_TEXT_MAX = 1000;
const MMS_MAX_BYTES = 1.5 * 1024 * 1024;
const EXTENSION = '/restapi/v1.0/account/~/extension/~';

export const RingCentralStatus = z.enum(['Queued', 'Sent', 'Delivered', 'SendingFailed', 'DeliveryFailed', 'Received']);
export type RingCentralStatus = z.infer<typeof RingCentralStatus>;

/** RingCentral ids are int64; JSON may carry them as numbers or strings. Keep them as strings. */
export const RcId = z.union([z.string().min(1), z.number().int()]).transform(String);

const SendResponse = z.object({
  id: RcId,
  messageStatus: RingCentralStatus,
  conversationId: RcId.optional(),
  direction: z.string().optional(),
});

/** A message-store record, as GET …/message-store/{id} and the message list return it. */
export const MessageRecord = z.object({
  id: RcId,
  direction: z.enum(['Inbound', 'Outbound']).optional(),
  messageStatus: RingCentralStatus,
  lastModifiedTime: z.string().optional(),
  creationTime: z.string().optional(),
  /** Set on failed messages, e.g. "SMS-CAR-411". */
  deliveryErrorCode: z.string().optional(),
});
const MessageList = z.object({ records: z.array(MessageRecord) });

const RcError = z.object({
  errorCode: z.string().optional(),
  message: z.string().optional(),
  errors: z.array(z.object({ errorCode: z.string().optional(), message: z.string().optional() })).optional(),
});

/** What a RingCentral status means in Converse; null for inbound "Received". */
export function mapRingCentralStatus(s: RingCentralStatus): StatusUpdate['status'] | null {
  switch (s) {
    case 'Queued':
      return 'queued';
    case 'Sent':
      return 'sent';
    case 'Delivered':
      return 'delivered';
    case 'SendingFailed':
    case 'DeliveryFailed':
      return 'failed';
    case 'Received':
      return null;
  }
}

export function statusFromRecord(record: z.infer<typeof MessageRecord>, fallbackAt: Date): StatusUpdate | null {
  const status = mapRingCentralStatus(record.messageStatus);
  if (!status || record.direction === 'Inbound') return null;
  const parsed = record.lastModifiedTime ? Date.parse(record.lastModifiedTime) : NaN;
  const update: StatusUpdate = {
    provider: 'ringcentral',
    providerMessageId: record.id,
    status,
    at: Number.isFinite(parsed) ? new Date(parsed) : fallbackAt,
  };
  if (status === 'failed') {
    update.error = {
      code: ErrorCode.PROVIDER_ERROR,
      ...(record.deliveryErrorCode ? { providerCode: record.deliveryErrorCode } : {}),
      message:
        record.messageStatus === 'SendingFailed'
          ? 'RingCentral could not send this message.'
          : 'The carrier could not deliver this message.',
    };
  }
  return update;
}

/** The provider's error code and message of an error body: its first listed error first, then the top level. */
function rcErrorOf(body: unknown): { providerCode?: string; message?: string } {
  const parsed = RcError.safeParse(body);
  if (!parsed.success) return {};
  const first = parsed.data.errors?.[0];
  return {
    providerCode: first?.errorCode ?? parsed.data.errorCode,
    message: first?.message ?? parsed.data.message,
  };
}

async function failureFrom(response: Response): Promise<Extract<SendOutcome, { ok: false }>> {
  const { providerCode, message } = rcErrorOf(await readJson(response));
  const detail = message ?? `HTTP ${response.status}`;
  return {
    ok: false,
    // CMN-301: request rate exceeded (RingCentral also answers 429 then).
    retryable: isRetryableHttpStatus(response.status) || providerCode === 'CMN-301',
    code: response.status === 401 ? ErrorCode.CHANNEL_NOT_CONFIGURED : ErrorCode.PROVIDER_ERROR,
    ...(providerCode ? { providerCode } : {}),
    message: `RingCentral refused the message: ${detail}`,
    retryAfterMs: retryAfterMs(response),
  };
}

export interface RingCentralConnector extends Connector {
  readonly provider: 'ringcentral';
  fetchStatus(providerMessageId: string): Promise<StatusUpdate | null>;
  /** Outbound messages whose record changed at or after `since` (for the "messages changed" event). */
  changedSince(since: Date): Promise<StatusUpdate[]>;
  /** Download an inbound MMS attachment by the uri the webhook carried. */
  fetchAttachment(uri: string): Promise<Uint8Array>;
}

export function createRingCentralConnector(
  settings: RingCentralSettings,
  opts: { fetch?: Fetch; now?: () => Date } = {},
): RingCentralConnector {
  const fetchFn = opts.fetch ?? fetch;
  const now = opts.now ?? (() => new Date());
  const auth = { authorization: `Bearer ${settings.accessToken}` };
  const serverOrigin = new URL(settings.serverUrl).origin;

  async function getJson<T>(url: string, schema: z.ZodType<T>, what: string): Promise<T> {
    const res = await fetchFn(url, {
      headers: { ...auth, accept: 'application/json' },
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`RingCentral ${what}: HTTP ${res.status}.`);
    const parsed = schema.safeParse(await readJson(res));
    if (!parsed.success)
      throw new Error(`RingCentral ${what}: unexpected answer (${parsed.error.issues[0]?.message}).`);
    return parsed.data;
  }

  function requestFor(msg: OutboundMessage): { ok: true; init: RequestInit } | Extract<SendOutcome, { ok: false }> {
    // RingCentral has no templates: an SMS template arrives here already filled in as the body.
    const text = msg.media ? textWithMedia(msg) : msg.body;
    if (text.length > RINGCENTRAL_TEXT_MAX)
      return refuse(
        ErrorCode.BODY_TOO_LONG,
        `A RingCentral text holds at most ${RINGCENTRAL_TEXT_MAX} characters; this one has ${text.length}.`,
      );
    const json = { from: { phoneNumber: settings.fromNumber }, to: [{ phoneNumber: msg.to }], text };
    if (!msg.media) {
      if (!text.trim()) return refuse(ErrorCode.EMPTY_MESSAGE, 'There is nothing to send.');
      return {
        ok: true,
        init: { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(json) },
      };
    }
    if (msg.media.bytes.byteLength > MMS_MAX_BYTES)
      return refuse(ErrorCode.ATTACHMENT_TOO_LARGE, 'RingCentral MMS attachments may total at most 1.5 MB.');
    const form = new FormData();
    form.append('json', new Blob([JSON.stringify(json)], { type: 'application/json' }), 'request.json');
    form.append('attachment', blobOf(msg.media.bytes, msg.media.mimeType), msg.media.fileName);
    return { ok: true, init: { method: 'POST', headers: auth, body: form } };
  }

  return {
    name: 'ringcentral',
    channel: 'sms',
    provider: 'ringcentral',
    businessNumber: settings.fromNumber,

    async send(msg) {
      const built = requestFor(msg);
      if (!built.ok) return built;
      const r = await callProvider(fetchFn, 'RingCentral', `${settings.serverUrl}${EXTENSION}/sms`, built.init);
      if (!r.ok) return r.failure;
      if (!r.response.ok) return failureFrom(r.response);
      const body = SendResponse.safeParse(await readJson(r.response));
      if (!body.success)
        return {
          ok: false,
          retryable: false,
          code: ErrorCode.PROVIDER_ERROR,
          message: 'RingCentral accepted the message but its answer carried no message id.',
        };
      const { id, messageStatus } = body.data;
      if (messageStatus === 'SendingFailed' || messageStatus === 'DeliveryFailed') {
        return {
          ok: false,
          retryable: false,
          code: ErrorCode.PROVIDER_ERROR,
          providerCode: messageStatus,
          message: 'RingCentral could not send this message.',
        };
      }
      return { ok: true, providerMessageId: id, status: messageStatus === 'Queued' ? 'queued' : 'sent' };
    },

    async fetchStatus(providerMessageId) {
      const record = await getJson(
        `${settings.serverUrl}${EXTENSION}/message-store/${encodeURIComponent(providerMessageId)}`,
        MessageRecord,
        `message ${providerMessageId}`,
      );
      return statusFromRecord(record, now());
    },

    async changedSince(since) {
      // The list filters on creation time; a status can change a while after creation, so look
      // back a day and keep the records modified since the event.
      const dateFrom = new Date(since.getTime() - 24 * 60 * 60 * 1000).toISOString();
      const q = new URLSearchParams({ messageType: 'SMS', direction: 'Outbound', dateFrom, perPage: '100' });
      const list = await getJson(`${settings.serverUrl}${EXTENSION}/message-store?${q}`, MessageList, 'message list');
      return list.records
        .filter((r) => !r.lastModifiedTime || Date.parse(r.lastModifiedTime) >= since.getTime())
        .map((r) => statusFromRecord(r, now()))
        .filter((u): u is StatusUpdate => u !== null);
    },

    async fetchAttachment(uri) {
      const url = new URL(uri);
      // Send the token only to RingCentral itself: the platform server or its media hosts.
      const trusted =
        url.origin === serverOrigin || (url.protocol === 'https:' && url.hostname.endsWith('.ringcentral.com'));
      if (!trusted) throw new Error(`Refusing to fetch a RingCentral attachment from ${url.origin}.`);
      const res = await fetchFn(url, { headers: auth, signal: AbortSignal.timeout(30_000) });
      if (!res.ok) throw new Error(`RingCentral attachment: HTTP ${res.status}.`);
      return new Uint8Array(await res.arrayBuffer());
    },

    fetchInboundMedia(ref) {
      return this.fetchAttachment(ref);
    },
  };
}
