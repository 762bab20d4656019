// A tiny loopback HTTP server for the provider fakes: binds 127.0.0.1 on a random port,
// records every request it gets, and lets a test queue failures ahead of the normal answers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

export interface FakeAnswer {
  status: number;
  json?: unknown;
  bytes?: Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

export type FakeRoute = (req: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

export interface HttpFake {
  url: string;
  requests: RecordedRequest[];
  /** The next matching requests get these answers instead of the normal one (FIFO). */
  failNext(answer: FakeAnswer, times?: number, match?: (req: RecordedRequest) => boolean): void;
  close(): Promise<void>;
}

const MAX_BODY = 20 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large for the fake');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function write(res: ServerResponse, a: FakeAnswer) {
  const headers: Record<string, string> = { ...(a.headers ?? {}) };
  let payload: Buffer | string = '';
  if (a.bytes) {
    payload = Buffer.from(a.bytes);
    headers['content-type'] = a.contentType ?? 'application/octet-stream';
  } else if (a.json !== undefined) {
    payload = JSON.stringify(a.json);
    headers['content-type'] = 'application/json';
  }
  res.writeHead(a.status, headers).end(payload);
}

export async function startHttpFake(route: FakeRoute): Promise<HttpFake> {
  const requests: RecordedRequest[] = [];
  const failures: { answer: FakeAnswer; match: (r: RecordedRequest) => boolean }[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers,
          body: await readBody(req),
        };
        requests.push(recorded);
        const i = failures.findIndex((f) => f.match(recorded));
        if (i >= 0) {
          write(res, failures.splice(i, 1)[0].answer);
          return;
        }
        write(res, await route(recorded));
      } catch (err) {
        write(res, { status: 500, json: { error: { message: (err as Error).message } } });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(answer, times = 1, match = () => true) {
      for (let i = 0; i < times; i++) failures.push({ answer, match });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Parse a multipart/form-data request body the way a provider would (WHATWG FormData). */
export async function parseMultipart(req: RecordedRequest): Promise<FormData> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) throw new Error(`expected multipart/form-data, got "${type}"`);
  return new Response(new Uint8Array(req.body), { headers: { 'content-type': type } }).formData();
}

export const jsonOf = (req: RecordedRequest): unknown => JSON.parse(req.body.toString('utf8'));
