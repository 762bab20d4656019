// A local fake of CTM texting, speaking the shapes ASSUMED in server/channels/ctm-shapes.ts
// (CTM publishes none): Basic auth, POST /api/v1/accounts/{id}/sms as JSON or multipart.
import { CtmSendRequest, ctmSendPath, CTM_MEDIA_PART, CTM_SECRET_HEADER } from '../../server/channels/ctm-shapes';
import {
  startHttpFake,
  parseMultipart,
  jsonOf,
  type HttpFake,
  type RecordedRequest,
  type FakeAnswer,
} from './http-fake';

export const CTM_ACCOUNT = '31337';
export const CTM_KEY = 'ctm-access-key';
export const CTM_SECRET = 'ctm-secret-key';
export const CTM_FROM = '+14155550111';
export const CTM_WEBHOOK_SECRET = 'ctm-webhook-secret';

export interface FakeCtm extends HttpFake {
  sent: { id: string; to: string; from: string; msg: string; media: { bytes: Uint8Array; type: string } | null }[];
  hostMedia(bytes: Uint8Array, contentType: string): string;
  sendWebhook(url: string, body: unknown, secret?: string | null): Promise<Response>;
}

export async function startFakeCtm(): Promise<FakeCtm> {
  const sent: FakeCtm['sent'] = [];
  const hosted = new Map<string, { bytes: Uint8Array; contentType: string }>();
  let seq = 500;
  let baseUrl = '';
  const basic = `Basic ${Buffer.from(`${CTM_KEY}:${CTM_SECRET}`).toString('base64')}`;

  async function route(req: RecordedRequest): Promise<FakeAnswer> {
    const media = /^\/media\/(\w+)$/.exec(req.path);
    if (req.method === 'GET' && media) {
      const f = hosted.get(media[1]);
      return f
        ? { status: 200, bytes: f.bytes, contentType: f.contentType }
        : { status: 404, json: { error: 'not found' } };
    }
    if (req.headers.authorization !== basic) return { status: 401, json: { error: 'Unauthorized', code: 'auth' } };
    if (req.method !== 'POST' || req.path !== ctmSendPath(CTM_ACCOUNT))
      return { status: 404, json: { error: 'not found' } };
    let fields: unknown;
    let file: FakeCtm['sent'][number]['media'] = null;
    if ((req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      const form = await parseMultipart(req);
      fields = { to: form.get('to'), from: form.get('from'), msg: form.get('msg') };
      const f = form.get(CTM_MEDIA_PART);
      if (!(f instanceof Blob)) return { status: 422, json: { error: 'media part missing', code: 'invalid' } };
      file = { bytes: new Uint8Array(await f.arrayBuffer()), type: f.type };
    } else fields = jsonOf(req);
    const parsed = CtmSendRequest.safeParse(fields);
    if (!parsed.success) return { status: 422, json: { error: parsed.error.issues[0].message, code: 'invalid' } };
    if (parsed.data.from !== CTM_FROM)
      return { status: 422, json: { error: 'from is not a texting-enabled tracking number', code: 'from_number' } };
    const id = `SMS${++seq}`;
    sent.push({ id, ...parsed.data, media: file });
    return { status: 200, json: { id, status: 'queued' } };
  }

  const fake = await startHttpFake(route);
  baseUrl = fake.url;
  return Object.assign(fake, {
    sent,
    hostMedia(bytes: Uint8Array, contentType: string) {
      const id = `m${++seq}`;
      hosted.set(id, { bytes, contentType });
      return `${baseUrl}/media/${id}`;
    },
    sendWebhook(url: string, body: unknown, secret: string | null = CTM_WEBHOOK_SECRET) {
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret !== null ? { [CTM_SECRET_HEADER]: secret } : {}) },
        body: JSON.stringify(body),
      });
    },
  });
}
