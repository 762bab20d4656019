// WhatsApp Business Cloud API connector: text, template and media sends, media download.
// Shapes are the Cloud API's documented ones (providers.md): POST {base}/{PHONE_NUMBER_ID}/messages
// with a bearer token; media is uploaded first to {base}/{PHONE_NUMBER_ID}/media and sent by id.
import { z } from 'zod';
import type { Connector, OutboundMedia, OutboundMessage, SendOutcome } from './connector';
import type { WhatsAppSettings } from './settings';
import {
  callProvider,
  readJson,
  retryAfterMs,
  isRetryableHttpStatus,
  textWithMedia,
  refuse,
  blobOf,
  type Fetch,
  type SendFailure,
} from './http';
import { ErrorCode } from '../../shared/error-codes';
import { captionAllowed } from '../../shared/attachment-policy';
import { toWhatsAppId } from '../../shared/phone';

export const WHATSAPP_TEXT_MAX = 4096;
export const WHATSAPP_CAPTION_MAX = 1024;
/** The largest file WhatsApp carries (documents, 100 MB); a download beyond it is refused. */
const MEDIA_DOWNLOAD_MAX = 100 * 1024 * 1024;

const SendResponse = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
const UploadResponse = z.object({ id: z.string().min(1) });
const MediaUrlResponse = z.object({
  url: z.string().url(),
  mime_type: z.string().optional(),
  file_size: z.coerce.number().optional(),
});
const GraphError = z.object({
  error: z.object({
    message: z.string().optional(),
    code: z.coerce.number().optional(),
    error_subcode: z.coerce.number().optional(),
    error_data: z.object({ details: z.string().optional() }).partial().optional(),
  }),
});

// Graph codes worth trying again: throttling, temporary outages, "something went wrong".
// https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131016, 131056, 133004]);
const TEMPLATE_CODES = new Set([132000, 132001, 132005, 132007, 132012, 132015, 132016]);

/** Our error code for a WhatsApp error code, so the rep sees "window closed" rather than a number. */
export function whatsAppErrorCode(providerCode: number | undefined): string {
  if (providerCode === 131047 || providerCode === 470) return ErrorCode.WHATSAPP_WINDOW_CLOSED;
  if (providerCode !== undefined && TEMPLATE_CODES.has(providerCode)) return ErrorCode.TEMPLATE_NOT_AVAILABLE;
  if (providerCode === 190) return ErrorCode.CHANNEL_NOT_CONFIGURED;
  return ErrorCode.PROVIDER_ERROR;
}

export const isRetryableWhatsAppCode = (code: number | undefined): boolean =>
  code !== undefined && RETRYABLE_CODES.has(code);

async function failureFrom(response: Response, what: string): Promise<Extract<SendOutcome, { ok: false }>> {
  const parsed = GraphError.safeParse(await readJson(response));
  const err = parsed.success ? parsed.data.error : undefined;
  const providerCode = err?.code;
  const detail = err?.error_data?.details ?? err?.message ?? `HTTP ${response.status}`;
  return {
    ok: false,
    retryable: isRetryableHttpStatus(response.status) || isRetryableWhatsAppCode(providerCode),
    code: whatsAppErrorCode(providerCode),
    ...(providerCode !== undefined ? { providerCode: String(providerCode) } : {}),
    message: `WhatsApp refused the ${what}: ${detail}`,
    retryAfterMs: retryAfterMs(response),
  };
}

/** The Cloud API template object of a template send: its body parameters, when it has any. */
function templateObject(template: NonNullable<OutboundMessage['template']>): Record<string, unknown> {
  const components =
    template.params.length > 0
      ? [{ type: 'body', parameters: template.params.map((text) => ({ type: 'text', text })) }]
      : undefined;
  return { name: template.name, language: { code: template.language }, ...(components ? { components } : {}) };
}

/**
 * Why the text sent with a file cannot ride as its caption, or null when it can. The text that
 * travels with a file is its caption. A rep's caption is for images and videos only (the seed's
 * rule); text typed beside a document still rides as the document's caption, which the Cloud API
 * allows; audio has nowhere to carry text.
 */
function captionRefusal(msg: OutboundMessage, media: OutboundMedia, caption: string): SendFailure | null {
  if (msg.caption?.trim() && !captionAllowed(media.kind))
    return refuse(
      ErrorCode.CAPTION_NOT_ALLOWED,
      `Captions go with images and videos only, not with ${media.kind} files.`,
    );
  if (caption && media.kind === 'audio')
    return refuse(
      ErrorCode.CAPTION_NOT_ALLOWED,
      'WhatsApp carries no text with an audio file; send the text as its own message.',
    );
  if (caption.length > WHATSAPP_CAPTION_MAX)
    return refuse(
      ErrorCode.BODY_TOO_LONG,
      `A WhatsApp caption holds at most ${WHATSAPP_CAPTION_MAX} characters; this one has ${caption.length}.`,
    );
  return null;
}

export interface WhatsAppCloudConnector extends Connector {
  readonly provider: 'whatsapp';
  /** Download an inbound media file: the media id gives a short-lived URL, the URL gives the bytes. */
  fetchMedia(mediaId: string): Promise<{ bytes: Uint8Array; mimeType: string | null }>;
}

export function createWhatsAppConnector(
  settings: WhatsAppSettings,
  opts: { fetch?: Fetch } = {},
): WhatsAppCloudConnector {
  const fetchFn = opts.fetch ?? fetch;
  const auth = { authorization: `Bearer ${settings.accessToken}` };
  const endpoint = (path: string) => `${settings.apiBaseUrl}/${path}`;

  async function upload(
    media: NonNullable<OutboundMessage['media']>,
  ): Promise<{ ok: true; id: string } | Extract<SendOutcome, { ok: false }>> {
    // The Cloud API names AAC audio/aac; the seed's table (and some uploads) say audio/x-aac.
    const type = media.mimeType === 'audio/x-aac' ? 'audio/aac' : media.mimeType;
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', type);
    form.set('file', blobOf(media.bytes, type), media.fileName);
    const r = await callProvider(fetchFn, 'WhatsApp', endpoint(`${encodeURIComponent(settings.phoneNumberId)}/media`), {
      method: 'POST',
      headers: auth,
      body: form,
    });
    if (!r.ok) return r.failure;
    if (!r.response.ok) return failureFrom(r.response, 'media upload');
    const body = UploadResponse.safeParse(await readJson(r.response));
    return body.success
      ? { ok: true, id: body.data.id }
      : {
          ok: false,
          retryable: false,
          code: ErrorCode.PROVIDER_ERROR,
          message: 'WhatsApp answered the media upload without a media id.',
        };
  }

  /** The message object of the Cloud API for one outbound message, or a refusal. */
  async function payloadFor(
    msg: OutboundMessage,
  ): Promise<{ ok: true; payload: Record<string, unknown> } | Extract<SendOutcome, { ok: false }>> {
    const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: toWhatsAppId(msg.to) };
    if (msg.template)
      return { ok: true, payload: { ...base, type: 'template', template: templateObject(msg.template) } };
    if (msg.media) {
      const caption = textWithMedia(msg);
      const refused = captionRefusal(msg, msg.media, caption);
      if (refused) return refused;
      const uploaded = await upload(msg.media);
      if (!uploaded.ok) return uploaded;
      const media: Record<string, string> = { id: uploaded.id };
      if (caption) media.caption = caption;
      if (msg.media.kind === 'document') media.filename = msg.media.fileName;
      return { ok: true, payload: { ...base, type: msg.media.kind, [msg.media.kind]: media } };
    }
    if (!msg.body.trim()) return refuse(ErrorCode.EMPTY_MESSAGE, 'There is nothing to send.');
    if (msg.body.length > WHATSAPP_TEXT_MAX)
      return refuse(
        ErrorCode.BODY_TOO_LONG,
        `A WhatsApp message holds at most ${WHATSAPP_TEXT_MAX} characters; this one has ${msg.body.length}.`,
      );
    return { ok: true, payload: { ...base, type: 'text', text: { body: msg.body, preview_url: false } } };
  }

  return {
    name: 'whatsapp',
    channel: 'whatsapp',
    provider: 'whatsapp',
    businessNumber: settings.businessNumber ?? '',

    async send(msg) {
      const built = await payloadFor(msg);
      if (!built.ok) return built;
      const r = await callProvider(
        fetchFn,
        'WhatsApp',
        endpoint(`${encodeURIComponent(settings.phoneNumberId)}/messages`),
        {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(built.payload),
        },
      );
      if (!r.ok) return r.failure;
      if (!r.response.ok) return failureFrom(r.response, 'message');
      const body = SendResponse.safeParse(await readJson(r.response));
      if (!body.success)
        return {
          ok: false,
          retryable: false,
          code: ErrorCode.PROVIDER_ERROR,
          message: 'WhatsApp accepted the message but sent no message id.',
        };
      // Accepted is not yet sent: the "sent" tick comes with the status webhook.
      return { ok: true, providerMessageId: body.data.messages[0].id, status: 'queued' };
    },

    async fetchMedia(mediaId) {
      const meta = await fetchFn(endpoint(encodeURIComponent(mediaId)), {
        headers: auth,
        signal: AbortSignal.timeout(15_000),
      });
      if (!meta.ok) throw new Error(`WhatsApp media ${mediaId}: HTTP ${meta.status} when asking for its URL.`);
      const info = MediaUrlResponse.safeParse(await readJson(meta));
      if (!info.success) throw new Error(`WhatsApp media ${mediaId}: the answer carried no download URL.`);
      if (info.data.file_size !== undefined && info.data.file_size > MEDIA_DOWNLOAD_MAX)
        throw new Error(`WhatsApp media ${mediaId} is larger than ${MEDIA_DOWNLOAD_MAX} bytes.`);
      // The download URL needs the same bearer token (Cloud API docs, "Download Media").
      const file = await fetchFn(info.data.url, { headers: auth, signal: AbortSignal.timeout(60_000) });
      if (!file.ok) throw new Error(`WhatsApp media ${mediaId}: HTTP ${file.status} when downloading it.`);
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (bytes.byteLength > MEDIA_DOWNLOAD_MAX)
        throw new Error(`WhatsApp media ${mediaId} is larger than ${MEDIA_DOWNLOAD_MAX} bytes.`);
      return { bytes, mimeType: info.data.mime_type ?? null };
    },

    async fetchInboundMedia(ref) {
      return (await this.fetchMedia(ref)).bytes;
    },
  };
}
