// The server's HTTP API for what the local store does not hold: sign-in, lead details, fresh
// templates, attachments and usage reports. Every answer is validated with the shared schemas;
// every failure becomes an Error with the API's error code.
import { z } from 'zod';
import {
  ActivityPage,
  ApiError,
  AttachmentView,
  LeadDetails,
  NudgeSettings,
  TemplateView,
  UserView,
  type Channel,
} from '../../shared/domain';
import { UsageReport, type UsageReportQuery } from '../../shared/ipc';
import { CallErrorCode, ErrorCode } from '../../shared/error-codes';

export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

const SignInAnswer = z.object({
  token: z.string().min(1),
  expiresAt: z.string().nullable().optional(),
  user: UserView,
});
export type SignInAnswer = z.infer<typeof SignInAnswer>;

const REQUEST_TIMEOUT_MS = 20_000;

export class HttpApi {
  constructor(
    readonly serverUrl: string,
    private readonly token: string | null,
  ) {}

  private url(p: string): string {
    return new URL(`/api/v1${p}`, this.serverUrl).toString();
  }

  private async call<T extends z.ZodTypeAny>(
    method: string,
    p: string,
    schema: T,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<z.infer<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.fetch(this.url(p), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    return parseAnswer(res, schema);
  }

  private async fetch(url: string, init: RequestInit & { duplex?: 'half' }): Promise<Response> {
    const signal = init.signal
      ? AbortSignal.any([init.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
      : AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    try {
      return await fetch(url, { ...init, signal });
    } catch (err) {
      if (init.signal?.aborted) throw new ApiCallError(CallErrorCode.CANCELLED, 'The transfer was cancelled.');
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new ApiCallError(
        ErrorCode.OFFLINE,
        `The server at ${this.serverUrl} cannot be reached${cause ? ` (${cause})` : ''}.`,
      );
    }
  }

  signIn(email: string, password: string): Promise<SignInAnswer> {
    return this.call('POST', '/auth/sign-in', SignInAnswer, { email, password });
  }

  async signOut(): Promise<void> {
    await this.call('POST', '/auth/sign-out', z.unknown(), {});
  }

  me(): Promise<UserView> {
    return this.call('GET', '/me', UserView);
  }

  leadDetails(leadId: string): Promise<LeadDetails> {
    return this.call('GET', `/leads/${encodeURIComponent(leadId)}`, LeadDetails);
  }

  leadActivity(leadId: string, before: string | null, limit: number): Promise<ActivityPage> {
    const q = new URLSearchParams({ limit: String(limit), ...(before ? { before } : {}) });
    return this.call('GET', `/leads/${encodeURIComponent(leadId)}/activity?${q}`, ActivityPage);
  }

  saveNudgeSettings(settings: NudgeSettings): Promise<NudgeSettings> {
    return this.call('PUT', '/me/nudge-settings', NudgeSettings, settings);
  }

  async templates(channel: Channel): Promise<TemplateView[]> {
    return (await this.call('GET', `/templates?channel=${channel}`, z.object({ templates: z.array(TemplateView) })))
      .templates;
  }

  usage(q: UsageReportQuery): Promise<UsageReport> {
    return this.call('GET', `/reports/usage?range=${q.range}&month=${q.month}`, UsageReport);
  }

  /** Stream a file to the server, reporting bytes handed to the socket; abort with `signal`. */
  async upload(
    channel: Channel,
    fileName: string,
    mimeType: string,
    bytes: Uint8Array,
    onProgress: (loaded: number, total: number) => void,
    signal: AbortSignal,
  ): Promise<AttachmentView> {
    const total = bytes.byteLength;
    const CHUNK = 64 * 1024;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= total) {
          controller.close();
          return;
        }
        const end = Math.min(total, offset + CHUNK);
        controller.enqueue(bytes.subarray(offset, end));
        offset = end;
        onProgress(offset, total);
      },
    });
    const headers: Record<string, string> = {
      'Content-Type': mimeType,
      'X-File-Name': encodeURIComponent(fileName),
      'Content-Length': String(total),
    };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const res = await this.fetch(this.url(`/attachments?channel=${channel}`), {
      method: 'POST',
      headers,
      body,
      duplex: 'half',
      signal,
    });
    return parseAnswer(res, AttachmentView);
  }

  /** The file's bytes; with `maxBytes`, a larger file is refused (attachment_too_large) without reading it whole. */
  async download(
    attachmentId: string,
    maxBytes = Number.POSITIVE_INFINITY,
  ): Promise<{ bytes: Uint8Array; mimeType: string; fileName: string | null }> {
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const res = await this.fetch(this.url(`/attachments/${encodeURIComponent(attachmentId)}`), {
      method: 'GET',
      headers,
    });
    if (!res.ok) await parseAnswer(res, z.unknown());
    const disposition = res.headers.get('content-disposition') ?? '';
    const name =
      /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
    return {
      bytes: await readBody(res, maxBytes),
      mimeType: res.headers.get('content-type') ?? 'application/octet-stream',
      fileName: name ? safeDecode(name) : null,
    };
  }
}

const tooLarge = (maxBytes: number) =>
  new ApiCallError(
    ErrorCode.ATTACHMENT_TOO_LARGE,
    `This file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, too large to preview; download it instead.`,
    413,
  );

/** The body, stopping as soon as it passes `maxBytes`. */
async function readBody(res: Response, maxBytes: number): Promise<Uint8Array> {
  if (!Number.isFinite(maxBytes)) return new Uint8Array(await res.arrayBuffer());
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

async function parseAnswer<T extends z.ZodTypeAny>(res: Response, schema: T): Promise<z.infer<T>> {
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {}
  if (!res.ok) {
    const err = ApiError.safeParse(json);
    if (err.success) throw new ApiCallError(err.data.error.code, err.data.error.message, res.status);
    throw new ApiCallError(
      res.status === 401 ? ErrorCode.UNAUTHORIZED : ErrorCode.INTERNAL,
      `The server answered HTTP ${res.status}.`,
      res.status,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ApiCallError(
      ErrorCode.INTERNAL,
      `The server's answer was not understood (${first?.path.join('.') || 'body'}: ${first?.message}).`,
      res.status,
    );
  }
  return parsed.data;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
