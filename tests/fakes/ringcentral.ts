// A local fake of RingCentral's SMS API (providers.md): POST …/extension/~/sms as JSON (SMS) or
// multipart/form-data (MMS: the JSON part plus attachments), GET …/message-store/{id} to read a
// message back, GET …/message-store to list, and attachment downloads. Tests move a message's
// status with setStatus and build notifications shaped as RingCentral documents them.
import { z } from 'zod';
import {
  startHttpFake,
  parseMultipart,
  jsonOf,
  type HttpFake,
  type RecordedRequest,
  type FakeAnswer,
} from './http-fake';

export const RC_TOKEN = 'rc-test-token';
export const RC_FROM = '+14155550100';
export const RC_VERIFICATION_TOKEN = 'rc-verification-token';
const EXT = '/restapi/v1.0/account/~/extension/~';

const SmsRequest = z
  .object({
    from: z.object({ phoneNumber: z.string().regex(/^\+\d{10,15}$/) }).strict(),
    to: z.array(z.object({ phoneNumber: z.string().regex(/^\+\d{10,15}$/) }).strict()).min(1),
    text: z.string().max(1000),
  })
  .strict();

/** MMS content types RingCentral documents (providers.md). */
export const RC_MMS_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/bmp',
  'image/gif',
  'image/tiff',
  'image/svg+xml',
  'image/webp',
  'video/mp4',
  'video/mpeg',
  'video/3gpp',
  'audio/mpeg',
  'audio/mp3',
  'audio/mp4',
  'audio/x-m4a',
  'audio/wav',
  'audio/x-wav',
  'text/vcard',
  'text/x-vcard',
  'application/rtf',
  'text/rtf',
  'application/pdf',
  'text/plain',
  'text/csv',
]);

export type RcStatus = 'Queued' | 'Sent' | 'Delivered' | 'SendingFailed' | 'DeliveryFailed' | 'Received';

export interface RcRecord {
  id: string;
  direction: 'Inbound' | 'Outbound';
  type: 'SMS';
  from: { phoneNumber: string };
  to: { phoneNumber: string }[];
  subject: string;
  messageStatus: RcStatus;
  creationTime: string;
  lastModifiedTime: string;
  deliveryErrorCode?: string;
  attachments: { id: string; uri: string; type: string; contentType: string; size: number }[];
  conversationId: string;
}

const rcError = (status: number, errorCode: string, message: string): FakeAnswer => ({
  status,
  json: { errorCode, message, errors: [{ errorCode, message }] },
});

/** The server's settings that point its SMS connector at this fake. */
export const ringCentralEnvOf = (fake: { url: string }): Record<string, string> => ({
  CONVERSE_SMS_CONNECTOR: 'ringcentral',
  RINGCENTRAL_SERVER_URL: fake.url,
  RINGCENTRAL_ACCESS_TOKEN: RC_TOKEN,
  RINGCENTRAL_FROM_NUMBER: RC_FROM,
  RINGCENTRAL_VERIFICATION_TOKEN: RC_VERIFICATION_TOKEN,
});

export interface FakeRingCentral extends HttpFake {
  records: Map<string, RcRecord>;
  /** Attachment files sent with MMS, by record id. */
  sentFiles: Map<string, { bytes: Uint8Array; contentType: string; name: string }[]>;
  setStatus(id: string, status: RcStatus, deliveryErrorCode?: string): void;
  /** Host a file as an inbound MMS attachment; returns its uri. */
  hostAttachment(bytes: Uint8Array, contentType: string): string;
  sendWebhook(url: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

export async function startFakeRingCentral(opts: { now?: () => Date } = {}): Promise<FakeRingCentral> {
  const now = opts.now ?? (() => new Date());
  const records = new Map<string, RcRecord>();
  const sentFiles = new Map<string, { bytes: Uint8Array; contentType: string; name: string }[]>();
  const hosted = new Map<string, { bytes: Uint8Array; contentType: string }>();
  let seq = 1_000_000;
  let baseUrl = '';

  async function route(req: RecordedRequest): Promise<FakeAnswer> {
    if (req.headers.authorization !== `Bearer ${RC_TOKEN}`)
      return rcError(401, 'AGW-401', 'Authorization header is not specified');
    if (req.method === 'POST' && req.path === `${EXT}/sms`) {
      let json: unknown;
      const files: { bytes: Uint8Array; contentType: string; name: string }[] = [];
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('multipart/form-data')) {
        const form = await parseMultipart(req);
        for (const [, value] of form.entries()) {
          if (!(value instanceof Blob)) continue;
          if (value.type === 'application/json' && json === undefined) json = JSON.parse(await value.text());
          else
            files.push({
              bytes: new Uint8Array(await value.arrayBuffer()),
              contentType: value.type,
              name: value instanceof File ? value.name : '',
            });
        }
        if (json === undefined) return rcError(400, 'CMN-101', 'The JSON part of the MMS request is missing');
        if (files.length === 0 || files.length > 10)
          return rcError(400, 'MSG-365', 'An MMS carries 1 to 10 attachments');
        if (files.reduce((n, f) => n + f.bytes.byteLength, 0) > 1.5 * 1024 * 1024)
          return rcError(400, 'MSG-366', 'MMS attachments exceed 1.5 MB');
        const unsupported = files.find((f) => !RC_MMS_TYPES.has(f.contentType));
        if (unsupported) return rcError(400, 'MSG-367', `Unsupported attachment type ${unsupported.contentType}`);
      } else if (type.startsWith('application/json')) {
        json = jsonOf(req);
      } else return rcError(415, 'CMN-415', 'Unsupported content type');
      const parsed = SmsRequest.safeParse(json);
      if (!parsed.success)
        return rcError(400, 'CMN-101', `Parameter [${parsed.error.issues[0].path.join('.')}] value is invalid`);
      if (parsed.data.from.phoneNumber !== RC_FROM)
        return rcError(400, 'FeatureNotAvailable', 'The from number is not SMS-enabled');
      if (!parsed.data.text && files.length === 0) return rcError(400, 'CMN-101', 'Parameter [text] value is invalid');
      const id = String(++seq);
      const at = now().toISOString();
      const record: RcRecord = {
        id,
        direction: 'Outbound',
        type: 'SMS',
        from: parsed.data.from,
        to: parsed.data.to,
        subject: parsed.data.text,
        messageStatus: 'Queued',
        creationTime: at,
        lastModifiedTime: at,
        attachments: [],
        conversationId: '7081430918291543000',
      };
      records.set(id, record);
      if (files.length) sentFiles.set(id, files);
      return { status: 200, json: { uri: `${baseUrl}${EXT}/message-store/${id}`, ...record, id: Number(id) } };
    }
    const one = new RegExp(`^${EXT.replace(/[~/.]/g, '\\$&')}/message-store/(\\d+)$`).exec(req.path);
    if (req.method === 'GET' && one) {
      const r = records.get(one[1]);
      return r
        ? { status: 200, json: { uri: `${baseUrl}${EXT}/message-store/${r.id}`, ...r, id: Number(r.id) } }
        : rcError(404, 'MSG-333', 'Message not found');
    }
    if (req.method === 'GET' && req.path === `${EXT}/message-store`) {
      const from = Date.parse(req.query.get('dateFrom') ?? '1970-01-01T00:00:00Z');
      const dir = req.query.get('direction');
      const list = [...records.values()].filter(
        (r) => Date.parse(r.creationTime) >= from && (!dir || r.direction === dir),
      );
      return {
        status: 200,
        json: {
          records: list.map((r) => ({ ...r, id: Number(r.id) })),
          paging: { page: 1, perPage: Number(req.query.get('perPage') ?? 100), pageStart: 0, pageEnd: list.length - 1 },
          navigation: {},
        },
      };
    }
    const media = /^\/media\/(\w+)$/.exec(req.path);
    if (req.method === 'GET' && media) {
      const f = hosted.get(media[1]);
      return f
        ? { status: 200, bytes: f.bytes, contentType: f.contentType }
        : rcError(404, 'MSG-333', 'Attachment not found');
    }
    return rcError(404, 'CMN-102', 'Resource not found');
  }

  const fake = await startHttpFake(route);
  baseUrl = fake.url;
  return Object.assign(fake, {
    records,
    sentFiles,
    setStatus(id: string, status: RcStatus, deliveryErrorCode?: string) {
      const r = records.get(id);
      if (!r) throw new Error(`no record ${id}`);
      r.messageStatus = status;
      r.lastModifiedTime = now().toISOString();
      if (deliveryErrorCode) r.deliveryErrorCode = deliveryErrorCode;
    },
    hostAttachment(bytes: Uint8Array, contentType: string) {
      const id = `a${++seq}`;
      hosted.set(id, { bytes, contentType });
      return `${baseUrl}/media/${id}`;
    },
    sendWebhook(
      url: string,
      body: unknown,
      headers: Record<string, string> = { 'verification-token': RC_VERIFICATION_TOKEN },
    ) {
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
  });
}

// ---- Notifications, shaped as RingCentral documents them ----

export function rcInstantSms(opts: {
  id: string;
  from: string;
  to?: string;
  text: string;
  attachments?: { uri: string; contentType: string; size: number }[];
  at?: Date;
}) {
  const at = (opts.at ?? new Date()).toISOString();
  return {
    uuid: `uuid-${opts.id}`,
    event: '/restapi/v1.0/account/~/extension/62264425004/message-store/instant?type=SMS',
    timestamp: at,
    subscriptionId: 'sub-1',
    ownerId: '62264425004',
    body: {
      id: opts.id,
      to: [{ phoneNumber: opts.to ?? RC_FROM, name: 'Converse', location: 'San Francisco, CA' }],
      from: { phoneNumber: opts.from, location: 'San Francisco, CA' },
      type: 'SMS',
      creationTime: at,
      lastModifiedTime: at,
      readStatus: 'Unread',
      priority: 'Normal',
      attachments: [
        {
          id: opts.id,
          type: 'Text',
          contentType: 'text/plain',
          uri: `https://platform.ringcentral.com/restapi/v1.0/account/~/extension/~/message-store/${opts.id}/content/${opts.id}`,
        },
        ...(opts.attachments ?? []).map((a, i) => ({ id: `${opts.id}${i}`, type: 'MmsAttachment', ...a })),
      ],
      direction: 'Inbound',
      availability: 'Alive',
      subject: opts.text,
      messageStatus: 'Received',
      conversationId: '5578984350117917661',
    },
  };
}

export function rcMessageStoreEvent(opts: { lastUpdated: Date; updatedCount?: number; newMessageIds?: string[] }) {
  return {
    uuid: `uuid-${opts.lastUpdated.getTime()}`,
    event: '/restapi/v1.0/account/~/extension/62264425004/message-store',
    timestamp: opts.lastUpdated.toISOString(),
    subscriptionId: 'sub-2',
    ownerId: '62264425004',
    body: {
      accountId: 37439510,
      extensionId: 62264425004,
      lastUpdated: opts.lastUpdated.toISOString(),
      changes: [
        {
          type: 'SMS',
          ...(opts.newMessageIds
            ? { newCount: opts.newMessageIds.length, newMessageIds: opts.newMessageIds.map(Number) }
            : {}),
          ...(opts.updatedCount ? { updatedCount: opts.updatedCount } : {}),
        },
      ],
    },
  };
}
