// Shared helpers for the server suites: a real server on 127.0.0.1 port 0 in a fresh data
// directory, sign-in over HTTP, and a stream client over a real WebSocket that records every
// raw byte it receives (for the masking scan).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { startServer, type RunningServer, type StartOptions } from '../../server/app';
import { DEMO_PASSWORD } from '../../server/demo/accounts';
import { ServerFrame, type SequencedEvent } from '../../shared/stream-protocol';
import { eventually } from '../support/eventually';
import { freshSchema, TEST_DATABASE_URL } from '../support/services';

export interface TestServer extends RunningServer {
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * CONVERSE_TEST_SERVER_DATABASE=postgres runs the server suites on PostgreSQL (a schema per data
 * directory, so a test that restarts a server on its directory finds its data again); unset, on
 * the SQLite file, as a desktop's embedded server does.
 */
const onPostgres = process.env.CONVERSE_TEST_SERVER_DATABASE === 'postgres';
const schemaOfDataDir = new Map<string, Awaited<ReturnType<typeof freshSchema>>>();

async function databaseEnv(dataDir: string): Promise<Record<string, string>> {
  if (!onPostgres) return {};
  let schema = schemaOfDataDir.get(dataDir);
  if (!schema) {
    schema = await freshSchema('server');
    schemaOfDataDir.set(dataDir, schema);
  }
  return { CONVERSE_DATABASE_URL: TEST_DATABASE_URL, CONVERSE_DATABASE_SCHEMA: schema.schema };
}

/** The database settings of the server started on `dataDir`, for a CLI run beside it (empty on SQLite). */
export function databaseEnvOf(dataDir: string): Record<string, string> {
  const schema = schemaOfDataDir.get(dataDir);
  return schema ? { CONVERSE_DATABASE_URL: TEST_DATABASE_URL, CONVERSE_DATABASE_SCHEMA: schema.schema } : {};
}

export async function startTestServer(opts: Partial<StartOptions> = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'converse-server-'));
  const server = await startServer({
    // Quiet unless a test asks for the log (the server logs at info by default).
    demo: true,
    port: 0,
    dataDir,
    log: false,
    ...opts,
    // A test's own env replaces the sandbox timings (as it always has); the database goes with either.
    env: {
      ...(await databaseEnv(dataDir)),
      ...(opts.env ?? { SANDBOX_AUTO_REPLY: 'off', SANDBOX_SENT_MS: '20', SANDBOX_DELIVERED_MS: '40' }),
    },
  });
  return {
    ...server,
    dataDir,
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      await schemaOfDataDir.get(dataDir)?.drop();
      schemaOfDataDir.delete(dataDir);
    },
  };
}

export async function api<T = any>(
  server: { url: string },
  method: string,
  route: string,
  token?: string | null,
  body?: unknown,
): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${server.url}/api/v1${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = null;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed as T, text };
}

export async function signIn(server: { url: string }, email: string, password = DEMO_PASSWORD): Promise<string> {
  const r = await api(server, 'POST', '/auth/sign-in', null, { email, password });
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.text}`);
  return r.body.token;
}

/** A stream client that keeps every frame and every raw byte. */
export class StreamClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  readonly raw: string[] = [];
  readonly events: SequencedEvent[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly opened: Promise<void>;

  constructor(url: string, token: string | null) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/stream`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      const frame = ServerFrame.parse(JSON.parse(text));
      this.frames.push(frame);
      if (frame.type === 'events') this.events.push(...frame.events);
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
    this.ws.on('error', () => {}); // a failed link shows as `closed`; tests wait on that
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  hello(lastSeq = 0, deviceId = 'test-device') {
    this.send({ type: 'hello', lastSeq, deviceId });
  }

  until<T>(pick: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return eventually(() => pick() || null, { timeoutMs, what }) as Promise<T>;
  }

  frame<T extends ServerFrame['type']>(
    type: T,
    where: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ) {
    return this.until(
      () =>
        this.frames.find((f) => f.type === type && where(f as Extract<ServerFrame, { type: T }>)) as
          Extract<ServerFrame, { type: T }> | undefined,
      timeoutMs,
      `a ${type} frame`,
    );
  }

  waitClose(timeoutMs = 5000) {
    return this.until(() => this.closed, timeoutMs, 'close');
  }
  get lastSeq() {
    return this.events.length ? this.events[this.events.length - 1].seq : 0;
  }
  close() {
    this.ws.close();
  }
}

export async function connect(
  server: { url: string },
  token: string,
  lastSeq = 0,
  deviceId = 'test-device',
): Promise<StreamClient> {
  const c = new StreamClient(server.url, token);
  await c.opened;
  c.hello(lastSeq, deviceId);
  await c.frame('welcome');
  return c;
}

export const clientId = () => randomUUID();
