// A local fake of the WhatsApp Cloud API (Graph) speaking the documented shapes of providers.md:
// POST /{phone-number-id}/messages, POST /{phone-number-id}/media (multipart), GET /{media-id}
// → {url}, GET that url → bytes. Requests that stray from the documented shapes get Graph's own
// error answer, so a connector bug fails the test. It also builds and signs webhooks.
import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import {
  startHttpFake,
  parseMultipart,
  jsonOf,
  type HttpFake,
  type RecordedRequest,
  type FakeAnswer,
} from './http-fake';

export const WA_PHONE_NUMBER_ID = '106540352242922';
export const WA_WABA_ID = '102290129340398';
export const WA_DISPLAY_NUMBER = '15550783881';
export const WA_TOKEN = 'wa-test-token';
export const WA_APP_SECRET = 'wa-app-secret';
export const WA_VERIFY_TOKEN = 'wa-verify-token';

const Base = {
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: z.string().regex(/^\d{6,15}$/),
};
const MediaRef = z
  .object({
    id: z.string().optional(),
    link: z.string().url().optional(),
    caption: z.string().max(1024).optional(),
    filename: z.string().optional(),
  })
  .strict()
  .refine((m) => Boolean(m.id) !== Boolean(m.link), 'exactly one of id or link');
export const GraphSendBody = z.discriminatedUnion('type', [
  z
    .object({
      ...Base,
      type: z.literal('text'),
      text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }).strict(),
    })
    .strict(),
  z
    .object({
      ...Base,
      type: z.literal('template'),
      template: z
        .object({
          name: z.string().min(1),
          language: z.object({ code: z.string().min(2) }).strict(),
          components: z
            .array(
              z
                .object({
                  type: z.enum(['header', 'body', 'button']),
                  parameters: z.array(z.object({ type: z.literal('text'), text: z.string() }).strict()),
                })
                .strict(),
            )
            .optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ ...Base, type: z.literal('image'), image: MediaRef }).strict(),
  z.object({ ...Base, type: z.literal('video'), video: MediaRef }).strict(),
  z
    .object({
      ...Base,
      type: z.literal('audio'),
      audio: MediaRef.refine((m) => m.caption === undefined, 'audio takes no caption'),
    })
    .strict(),
  z.object({ ...Base, type: z.literal('document'), document: MediaRef }).strict(),
]);
export type GraphSendBody = z.infer<typeof GraphSendBody>;

const MB = 1024 * 1024;
/** Supported media types and sizes, as the Cloud API documents them. */
export const WA_MEDIA_LIMITS: Record<string, number> = {
  'image/jpeg': 5 * MB,
  'image/png': 5 * MB,
  'video/mp4': 16 * MB,
  'video/3gpp': 16 * MB,
  'audio/aac': 16 * MB,
  'audio/amr': 16 * MB,
  'audio/mpeg': 16 * MB,
  'audio/mp4': 16 * MB,
  'audio/ogg': 16 * MB,
  'text/plain': 100 * MB,
  'application/pdf': 100 * MB,
  'application/msword': 100 * MB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MB,
  'application/vnd.ms-excel': 100 * MB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MB,
  'application/vnd.ms-powerpoint': 100 * MB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MB,
};

const graphError = (status: number, code: number, message: string, details?: string): FakeAnswer => ({
  status,
  json: {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
      fbtrace_id: 'AbCdEf123',
    },
  },
});

export interface StoredMedia {
  id: string;
  bytes: Uint8Array;
  mimeType: string;
  fileName: string | null;
}

/** The server's settings that point its WhatsApp connector at this fake. */
export const whatsAppEnvOf = (fake: { url: string }): Record<string, string> => ({
  CONVERSE_WHATSAPP_CONNECTOR: 'whatsapp',
  WHATSAPP_API_BASE_URL: fake.url,
  WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_NUMBER_ID,
  WHATSAPP_ACCESS_TOKEN: WA_TOKEN,
  WHATSAPP_APP_SECRET: WA_APP_SECRET,
  WHATSAPP_VERIFY_TOKEN: WA_VERIFY_TOKEN,
});

export interface FakeWhatsApp extends HttpFake {
  /** Messages accepted, in order, as sent. */
  sent: { id: string; body: GraphSendBody }[];
  media: Map<string, StoredMedia>;
  /** Put a file on the fake, as if a lead had sent it; returns its media id. */
  addMedia(bytes: Uint8Array, mimeType: string): string;
  /** POST a webhook to `url`, signed with the app secret unless `signature` is given. */
  sendWebhook(url: string, payload: unknown, opts?: { signature?: string; secret?: string }): Promise<Response>;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A webhook as Meta sends it: the body's bytes, and headers with its signature by the app secret unless `signature` is given. */
export function signedWebhook(
  payload: unknown,
  opts: { signature?: string; secret?: string } = {},
): { raw: Buffer<ArrayBuffer>; headers: Record<string, string> } {
  const raw = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const signature =
    opts.signature ??
    `sha256=${createHmac('sha256', opts.secret ?? WA_APP_SECRET)
      .update(raw)
      .digest('hex')}`;
  return { raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
}

export async function startFakeWhatsApp(): Promise<FakeWhatsApp> {
  const sent: FakeWhatsApp['sent'] = [];
  const media = new Map<string, StoredMedia>();
  let seq = 0;
  let baseUrl = '';
  const authorised = (req: RecordedRequest) => req.headers.authorization === `Bearer ${WA_TOKEN}`;

  async function route(req: RecordedRequest): Promise<FakeAnswer> {
    if (!authorised(req)) return graphError(401, 190, 'Invalid OAuth access token.');
    const parts = req.path.split('/').filter(Boolean);
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'messages') {
      if (parts[0] !== WA_PHONE_NUMBER_ID) return graphError(400, 100, 'Unsupported post request.');
      if (!req.headers['content-type']?.startsWith('application/json'))
        return graphError(400, 100, '(#100) Invalid parameter', 'expected a JSON body');
      const parsed = GraphSendBody.safeParse(jsonOf(req));
      if (!parsed.success)
        return graphError(
          400,
          100,
          '(#100) Invalid parameter',
          parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      const body = parsed.data;
      if ('image' in body || 'video' in body || 'audio' in body || 'document' in body) {
        const ref = (body as Record<string, unknown>)[body.type] as { id?: string };
        if (ref.id && !media.has(ref.id))
          return graphError(400, 131053, 'Media upload error', `unknown media id ${ref.id}`);
      }
      const id = `wamid.HBgLMTU1NTA${String(++seq).padStart(6, '0')}`;
      sent.push({ id, body });
      return {
        status: 200,
        json: { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id }] },
      };
    }
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'media') {
      if (parts[0] !== WA_PHONE_NUMBER_ID) return graphError(400, 100, 'Unsupported post request.');
      const form = await parseMultipart(req);
      const file = form.get('file');
      if (form.get('messaging_product') !== 'whatsapp')
        return graphError(400, 100, '(#100) Invalid parameter', 'messaging_product is required');
      if (!(file instanceof Blob)) return graphError(400, 100, '(#100) Invalid parameter', 'file is required');
      const type = String(form.get('type') ?? '');
      if (!type) return graphError(400, 100, '(#100) Invalid parameter', 'type is required');
      const limit = WA_MEDIA_LIMITS[type];
      if (limit === undefined) return graphError(400, 131053, 'Media upload error', `Unsupported file type ${type}`);
      if (file.size > limit)
        return graphError(400, 131053, 'Media upload error', `File of type ${type} is larger than ${limit} bytes`);
      const id = String(9_000_000_000 + ++seq);
      media.set(id, {
        id,
        bytes: new Uint8Array(await file.arrayBuffer()),
        mimeType: type,
        fileName: file instanceof File ? file.name : null,
      });
      return { status: 200, json: { id } };
    }
    if (req.method === 'GET' && parts.length === 2 && parts[0] === 'download') {
      const m = media.get(parts[1]);
      return m ? { status: 200, bytes: m.bytes, contentType: m.mimeType } : { status: 404, json: {} };
    }
    if (req.method === 'GET' && parts.length === 1) {
      const m = media.get(parts[0]);
      if (!m) return graphError(400, 100, 'Unsupported get request.');
      return {
        status: 200,
        json: {
          messaging_product: 'whatsapp',
          url: `${baseUrl}/download/${m.id}`,
          mime_type: m.mimeType,
          sha256: sha256(m.bytes),
          file_size: m.bytes.byteLength,
          id: m.id,
        },
      };
    }
    return graphError(400, 100, 'Unknown path components');
  }

  const fake = await startHttpFake(route);
  baseUrl = fake.url;
  return Object.assign(fake, {
    sent,
    media,
    addMedia(bytes: Uint8Array, mimeType: string) {
      const id = String(8_000_000_000 + ++seq);
      media.set(id, { id, bytes, mimeType, fileName: null });
      return id;
    },
    async sendWebhook(url: string, payload: unknown, opts: { signature?: string; secret?: string } = {}) {
      const { raw, headers } = signedWebhook(payload, opts);
      return fetch(url, { method: 'POST', headers, body: raw });
    },
  });
}

// ---- Webhook payloads, shaped as the Cloud API documents them ----

export const waEnvelope = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: WA_WABA_ID,
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: WA_DISPLAY_NUMBER, phone_number_id: WA_PHONE_NUMBER_ID },
            ...value,
          },
        },
      ],
    },
  ],
});

export const unixSeconds = (d: Date) => String(Math.floor(d.getTime() / 1000));

export function waTextMessage(opts: { from: string; id: string; body: string; name?: string; at?: Date }) {
  return waEnvelope({
    contacts: [{ profile: { name: opts.name ?? 'Maria Garcia' }, wa_id: opts.from }],
    messages: [
      {
        from: opts.from,
        id: opts.id,
        timestamp: unixSeconds(opts.at ?? new Date()),
        type: 'text',
        text: { body: opts.body },
      },
    ],
  });
}

export function waMediaMessage(opts: {
  from: string;
  id: string;
  type: 'image' | 'video' | 'audio' | 'document';
  mediaId: string;
  mimeType: string;
  sha256: string;
  caption?: string;
  filename?: string;
  name?: string;
  at?: Date;
}) {
  const media: Record<string, string> = { id: opts.mediaId, mime_type: opts.mimeType, sha256: opts.sha256 };
  if (opts.caption !== undefined) media.caption = opts.caption;
  if (opts.filename !== undefined) media.filename = opts.filename;
  return waEnvelope({
    contacts: [{ profile: { name: opts.name ?? 'Maria Garcia' }, wa_id: opts.from }],
    messages: [
      {
        from: opts.from,
        id: opts.id,
        timestamp: unixSeconds(opts.at ?? new Date()),
        type: opts.type,
        [opts.type]: media,
      },
    ],
  });
}

export type WaStatusName = 'sent' | 'delivered' | 'read' | 'failed';
export function waStatus(
  id: string,
  status: WaStatusName,
  recipient: string,
  at = new Date(),
  error?: { code: number; title: string; details?: string },
) {
  return {
    id,
    status,
    timestamp: unixSeconds(at),
    recipient_id: recipient,
    ...(status !== 'failed'
      ? {
          conversation: { id: 'c0ffee', origin: { type: 'service' } },
          pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
        }
      : {}),
    ...(error
      ? {
          errors: [
            {
              code: error.code,
              title: error.title,
              message: error.title,
              error_data: { details: error.details ?? error.title },
            },
          ],
        }
      : {}),
  };
}

export const waStatuses = (statuses: ReturnType<typeof waStatus>[]) => waEnvelope({ statuses });
