// The one WebSocket between this desktop and the Converse server. It says hello with the last
// committed sequence, keeps the link alive with pings, notices a dead link (no traffic for
// HEARTBEAT_TIMEOUT_MS, or a timer that fired far too late because the machine slept) and
// reconnects at once, otherwise backs off with jitter. An auth close stops it for good: only a
// new sign-in starts a new Connection.
import WebSocket from 'ws';
import {
  AUTH_CLOSE_CODES,
  CloseCode,
  HEARTBEAT_MS,
  HEARTBEAT_TIMEOUT_MS,
  MAX_SERVER_FRAME_BYTES,
  STREAM_PATH,
  ServerFrame,
  type ClientFrame,
} from '../../shared/stream-protocol';
import { backoffDelay, RECONNECT_BACKOFF } from '../../shared/backoff';
import type { ConnectionState } from '../../shared/ipc';

export type LinkStatus =
  | { status: 'connected' }
  | { status: 'connecting'; retryAt: number | null; reason: string | null }
  | { status: 'offline'; retryAt: number | null; reason: string }
  | { status: 'signed-out'; reason: string };

/** The link as the renderer sees it (shared/ipc.ts ConnectionState), with the outbox's size. */
export function connectionStateOf(l: LinkStatus, outboxSize: number): ConnectionState {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  switch (l.status) {
    case 'connected':
      return { status: 'connected', retryAt: null, reason: null, outboxSize };
    case 'signed-out':
      return { status: 'signed-out', retryAt: null, reason: l.reason, outboxSize };
    case 'connecting':
    case 'offline':
      return { status: l.status, retryAt: iso(l.retryAt), reason: l.reason, outboxSize };
  }
}

/** An `events` frame before its events are validated (the sync engine does that in chunks). */
export interface RawEventsFrame {
  type: 'events';
  events: unknown[];
}
/**
 * A large frame not parsed yet: only `events` frames are large. A socket read can deliver
 * several ~192 KB frames at once; parsing them back to back would stall the event loop, so the
 * sync engine parses each on its own turn, inside its time budget.
 */
export interface UnparsedFrame {
  type: 'unparsed';
  data: Buffer;
}
export type IncomingFrame = Exclude<ServerFrame, { type: 'events' }> | RawEventsFrame | UnparsedFrame;

/** Frames above this size are handed on unparsed. */
const PARSE_LATER_BYTES = 16 * 1024;

export interface ConnectionOptions {
  serverUrl: string;
  token: string;
  deviceId: string;
  /** Read at every hello, so a reconnect resumes from what is committed now. */
  lastSeq: () => number;
  onStatus: (s: LinkStatus) => void;
  /** Every frame, tagged with the link it came on (acks must go back on the same link). */
  onFrame: (frame: IncomingFrame, link: number) => void;
  /** The link dropped: frames queued from it are void. */
  onDrop?: (link: number) => void;
  now?: () => number;
  random?: () => number;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  log?: (msg: string, level?: 'info' | 'warn' | 'error') => void;
}

/** After this many failed attempts in a row the UI says "offline" rather than "connecting". */
const OFFLINE_AFTER_ATTEMPTS = 3;

export function streamUrl(serverUrl: string): string {
  const u = new URL(STREAM_PATH, serverUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

export class Connection {
  private ws: WebSocket | null = null;
  private link = 0;
  private attempt = 0;
  private ready = false;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastHeard = 0;
  private lastTick = 0;
  private status: LinkStatus = { status: 'offline', retryAt: null, reason: 'not started' };
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly heartbeatMs: number;
  private readonly heartbeatTimeoutMs: number;

  constructor(private readonly o: ConnectionOptions) {
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
    this.heartbeatMs = o.heartbeatMs ?? HEARTBEAT_MS;
    this.heartbeatTimeoutMs = o.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  }

  get state(): LinkStatus {
    return this.status;
  }
  /** True between `welcome` and the drop: frames sent now reach the server. */
  get isReady(): boolean {
    return this.ready;
  }
  get currentLink(): number {
    return this.link;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearRetry();
    this.drop(CloseCode.NORMAL, 'client quit', false);
    this.setStatus({ status: 'offline', retryAt: null, reason: 'stopped' });
  }

  /** Resume from sleep or a network change: whatever the link looks like, make a fresh one now. */
  wake(reason: string): void {
    if (this.stopped || this.status.status === 'signed-out') return;
    this.log(`wake (${reason}): reconnecting now`);
    this.attempt = 0;
    this.drop(CloseCode.NORMAL, `wake: ${reason}`, false);
    this.clearRetry();
    this.connect();
  }

  /** Something went wrong on our side of the link: drop it and come back after the usual backoff. */
  reconnectLater(reason: string): void {
    if (this.stopped) return;
    this.drop(1006, reason, true);
    this.scheduleRetry(reason);
  }

  send(frame: ClientFrame, link = this.link): boolean {
    if (!this.ready || link !== this.link || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Flow control: stop reading while the sync engine catches up (the server's buffer holds the rest). */
  pause(): void {
    this.ws?.pause();
  }
  resume(): void {
    this.ws?.resume();
  }

  private connect(): void {
    if (this.stopped) return;
    const link = ++this.link;
    this.ready = false;
    // Keep saying why the last link dropped while the next one is being made.
    const why =
      this.attempt > 0 && (this.status.status === 'connecting' || this.status.status === 'offline')
        ? this.status.reason
        : null;
    this.setStatus({ status: 'connecting', retryAt: null, reason: why });
    const ws = new WebSocket(streamUrl(this.o.serverUrl), {
      headers: { Authorization: `Bearer ${this.o.token}` },
      // The server's frames, not ours: a smaller limit here would refuse a frame the server must
      // send (one large lead) and reconnect into it for ever.
      maxPayload: MAX_SERVER_FRAME_BYTES,
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    ws.on('open', () => {
      if (link !== this.link) return;
      this.lastHeard = this.now();
      ws.send(
        JSON.stringify({ type: 'hello', lastSeq: this.o.lastSeq(), deviceId: this.o.deviceId } satisfies ClientFrame),
      );
      this.startHeartbeat(link);
    });
    ws.on('message', (data) => {
      if (link === this.link) this.onMessage(data, link);
    });
    ws.on('pong', () => {
      this.lastHeard = this.now();
    });
    ws.on('ping', () => {
      this.lastHeard = this.now();
    });
    ws.on('unexpected-response', (req, res) => {
      // The upgrade was refused with an HTTP status: 401/403 mean the token is no good.
      const code = res.statusCode ?? 0;
      res.resume();
      req.destroy();
      if (link !== this.link) return;
      if (code === 401 || code === 403)
        this.onClosed(link, CloseCode.UNAUTHORIZED, `the server refused the session (HTTP ${code})`);
      else this.onClosed(link, 1006, `the server answered HTTP ${code}`);
    });
    ws.on('error', (err) => {
      if (link === this.link) this.log(`socket error: ${err.message}`, 'warn');
    });
    ws.on('close', (code, reason) => {
      this.onClosed(link, code, reason.toString() || describeClose(code));
    });
  }

  private onMessage(data: WebSocket.RawData, link: number): void {
    this.lastHeard = this.now();
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (bytes.byteLength > PARSE_LATER_BYTES) {
      this.o.onFrame({ type: 'unparsed', data: bytes }, link);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString());
    } catch {
      this.log('ignored a frame that is not JSON', 'warn');
      return;
    }
    const type = (parsed as { type?: unknown })?.type;
    let frame: IncomingFrame;
    if (type === 'events' && Array.isArray((parsed as { events?: unknown }).events)) {
      frame = parsed as RawEventsFrame;
    } else {
      const r = ServerFrame.safeParse(parsed);
      if (!r.success) {
        this.log(`ignored an invalid ${String(type)} frame: ${r.error.issues[0]?.message}`, 'warn');
        return;
      }
      frame = r.data as IncomingFrame;
    }
    if (frame.type === 'welcome') {
      this.ready = true;
      this.attempt = 0;
      this.setStatus({ status: 'connected' });
    }
    this.o.onFrame(frame, link);
  }

  private onClosed(link: number, code: number, reason: string): void {
    if (link !== this.link) return;
    this.link++; // anything still arriving on the old socket is void
    this.ready = false;
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.terminate();
    this.o.onDrop?.(link);
    if (this.stopped) return;
    if (AUTH_CLOSE_CODES.includes(code)) {
      this.stopped = true;
      this.clearRetry();
      this.setStatus({ status: 'signed-out', reason: reason || 'the session is no longer valid' });
      return;
    }
    this.scheduleRetry(reason || describeClose(code));
  }

  private scheduleRetry(reason: string): void {
    this.clearRetry();
    const delay = backoffDelay(this.attempt, { ...RECONNECT_BACKOFF, ...this.o.backoff, random: this.random });
    this.attempt++;
    const retryAt = this.now() + delay;
    this.setStatus(
      this.attempt > OFFLINE_AFTER_ATTEMPTS
        ? { status: 'offline', retryAt, reason }
        : { status: 'connecting', retryAt, reason },
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private startHeartbeat(link: number): void {
    this.stopHeartbeat();
    this.lastTick = this.now();
    this.heartbeat = setInterval(() => {
      if (link !== this.link) return;
      const t = this.now();
      // A tick far later than scheduled means the process was frozen (sleep): the link is
      // probably dead even if the socket still looks open.
      const slept = t - this.lastTick > this.heartbeatMs * 2 + 5_000;
      this.lastTick = t;
      if (slept || t - this.lastHeard > this.heartbeatTimeoutMs) {
        const why = slept ? 'the computer slept' : 'the server stopped answering';
        this.log(`heartbeat stalled (${why}): reconnecting now`, 'warn');
        this.attempt = 0;
        this.drop(1006, why, true);
        this.clearRetry();
        this.connect();
        return;
      }
      try {
        this.ws?.ping();
      } catch {}
    }, this.heartbeatMs);
    this.heartbeat.unref?.();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** Close the current socket without scheduling a retry (the caller decides what follows). */
  private drop(code: number, reason: string, _abrupt: boolean): void {
    const ws = this.ws;
    const link = this.link;
    this.link++;
    this.ready = false;
    this.ws = null;
    this.stopHeartbeat();
    if (ws) {
      try {
        if (ws.readyState === WebSocket.OPEN && code === CloseCode.NORMAL) ws.close(code, reason.slice(0, 100));
        else ws.terminate();
      } catch {
        ws.terminate();
      }
      this.o.onDrop?.(link);
    }
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setStatus(s: LinkStatus): void {
    this.status = s;
    this.o.onStatus(s);
  }

  private log(msg: string, level?: 'info' | 'warn' | 'error'): void {
    this.o.log?.(`[connection] ${msg}`, level);
  }
}

function describeClose(code: number): string {
  switch (code) {
    case CloseCode.GOING_AWAY:
      return 'the server is restarting';
    case CloseCode.FRAME_TOO_LARGE:
      return 'a frame was too large';
    case CloseCode.SLOW_CONSUMER:
      return 'the app fell behind the server';
    case CloseCode.PROTOCOL_ABUSE:
      return 'the server refused malformed frames';
    case CloseCode.HELLO_TIMEOUT:
      return 'the server did not get a hello in time';
    case 1006:
      return 'the connection was lost';
    default:
      return `the connection closed (${code})`;
  }
}
