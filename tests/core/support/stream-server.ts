// A small server that speaks shared/stream-protocol.ts exactly as the Converse server does:
// bearer auth on the upgrade, hello → welcome → replay in `events` frames of at most
// MAX_EVENTS_PER_FRAME, live events, send dedupe on client id, read marks fanned out as
// conversation.read events. Used by the ingest benchmark (it replays a recorded backlog) and by
// core tests that need to control the wire precisely (cut the link mid-frame, refuse a send).
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ClientFrame,
  CloseCode,
  MAX_EVENTS_PER_FRAME,
  MAX_FRAME_BYTES,
  STREAM_PATH,
  type SequencedEvent,
  type StreamEvent,
  type ServerFrame,
  type SendRequest,
} from '../../../shared/stream-protocol';
import { conversationIdOf, type MessageView, type MessageError } from '../../../shared/domain';

export interface StreamServerOptions {
  token?: string;
  userId?: string;
  /** Events sent ahead of the last ack at most (flow control by acknowledgements). */
  window?: number;
  /**
   * Flow control as the real gateway (server/stream/gateway.ts) does it instead: no limit on
   * unacknowledged events; frames go out while the socket's send buffer holds at most this many
   * bytes, and wait for it to drain (the desktop pausing its socket pushes back through TCP).
   */
  maxBufferedBytes?: number;
  /** Decide a send: null accepts it; an error rejects it. */
  judge?: (send: SendRequest) => MessageError | null;
  now?: () => Date;
  onHello?: (lastSeq: number) => void;
  onAck?: (seq: number) => void;
}

interface Client {
  ws: WebSocket;
  sent: number;
  acked: number;
  deviceId: string;
  draining?: boolean;
}

export class StreamServer {
  readonly log: SequencedEvent[] = [];
  /** Sends that reached "the provider", per client id: exactly-once means every value is 1. */
  readonly deliveries = new Map<string, number>();
  readonly acks: number[] = [];
  readonly hellos: { lastSeq: number; deviceId: string }[] = [];
  readonly reads: { conversationId: string; readUpTo: string }[] = [];
  token: string;
  private readonly userId: string;
  private readonly window: number;
  private readonly clients = new Set<Client>();
  private readonly frozen: WebSocket[] = [];
  /** Each logged event serialised once, as a server's stored log would be. */
  private readonly json: string[] = [];
  private http!: Server;
  private wss!: WebSocketServer;
  private messageIds = new Map<string, string>();
  url = '';

  constructor(private readonly o: StreamServerOptions = {}) {
    this.token = o.token ?? 'test-token';
    this.userId = o.userId ?? 'user-rita';
    this.window = o.window ?? 5_000;
  }

  async start(port = 0): Promise<this> {
    this.http = createServer((req, res) => {
      res.statusCode = 404;
      res.end();
    });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
    this.http.on('upgrade', (req, socket, head) => {
      if (req.url !== STREAM_PATH) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        if (req.headers.authorization !== `Bearer ${this.token}`) {
          ws.close(CloseCode.UNAUTHORIZED, 'invalid token');
          return;
        }
        this.accept(ws);
      });
    });
    await new Promise<void>((r) => this.http.listen(port, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    return this;
  }

  get headSeq(): number {
    return this.log.length === 0 ? 0 : this.log[this.log.length - 1].seq;
  }
  get connections(): number {
    return this.clients.size;
  }

  /** Append events to the user's log and push them to connected desktops. */
  append(...events: StreamEvent[]): SequencedEvent[] {
    return this.appendAt((this.o.now?.() ?? new Date()).toISOString(), ...events);
  }

  /** Append as if logged at `at` (a backlog that waited while the desktop was away). */
  appendAt(at: string, ...events: StreamEvent[]): SequencedEvent[] {
    const added = events
      .map((event) => ({ seq: this.headSeq + 1, at, event }))
      .map((e, i) => ({ ...e, seq: this.headSeq + 1 + i }));
    for (const e of added) {
      this.log.push(e);
      this.json.push(JSON.stringify(e));
    }
    for (const c of this.clients) this.pump(c);
    return added;
  }

  /** Load a recorded log (the ingest benchmark). */
  load(events: SequencedEvent[]): void {
    for (const e of events) {
      this.log.push(e);
      this.json.push(JSON.stringify(e));
    }
  }

  /** Cut every link abruptly (no close frame), as a dropped Wi-Fi would. */
  cut(): void {
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
  }

  /** Stop reading and answering on every link (a server that hangs: pings go unanswered). */
  freeze(): void {
    for (const c of this.clients) {
      (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      this.frozen.push(c.ws);
    }
    this.clients.clear();
  }

  closeAll(code: number, reason = ''): void {
    for (const c of this.clients) c.ws.close(code, reason);
  }

  async stop(): Promise<void> {
    this.cut();
    for (const ws of this.frozen.splice(0)) ws.terminate();
    for (const ws of this.wss.clients) ws.terminate();
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.wss.close(() => r()));
    await new Promise<void>((r) => this.http.close(() => r()));
  }

  private accept(ws: WebSocket): void {
    let client: Client | null = null;
    ws.on('message', (data) => {
      let frame: ClientFrame;
      try {
        const r = ClientFrame.safeParse(JSON.parse(data.toString()));
        if (!r.success) {
          this.sendFrame(ws, {
            type: 'error',
            code: 'invalid_frame',
            message: r.error.issues[0]?.message ?? 'invalid',
          });
          return;
        }
        frame = r.data;
      } catch {
        this.sendFrame(ws, { type: 'error', code: 'malformed_json', message: 'not JSON' });
        return;
      }
      if (frame.type === 'hello') {
        this.hellos.push({ lastSeq: frame.lastSeq, deviceId: frame.deviceId });
        this.o.onHello?.(frame.lastSeq);
        client = { ws, sent: frame.lastSeq, acked: frame.lastSeq, deviceId: frame.deviceId };
        this.clients.add(client);
        this.sendFrame(ws, {
          type: 'welcome',
          userId: this.userId,
          headSeq: this.headSeq,
          serverTime: new Date().toISOString(),
        });
        this.pump(client);
        return;
      }
      if (!client) {
        this.sendFrame(ws, { type: 'error', code: 'hello_required', message: 'say hello first' });
        return;
      }
      switch (frame.type) {
        case 'ack':
          this.acks.push(frame.seq);
          this.o.onAck?.(frame.seq);
          client.acked = Math.max(client.acked, frame.seq);
          this.pump(client);
          break;
        case 'send':
          this.onSend(ws, frame.send);
          break;
        case 'read':
          this.reads.push({ conversationId: frame.conversationId, readUpTo: frame.readUpTo });
          this.append({ type: 'conversation.read', conversationId: frame.conversationId, readUpTo: frame.readUpTo });
          break;
        case 'ping':
          this.sendFrame(ws, { type: 'pong', t: frame.t });
          break;
      }
    });
    ws.on('close', () => {
      if (client) this.clients.delete(client);
    });
    ws.on('error', () => {});
  }

  private onSend(ws: WebSocket, send: SendRequest): void {
    const known = this.messageIds.get(send.clientId);
    if (known) {
      this.sendFrame(ws, { type: 'send.accepted', clientId: send.clientId, messageId: known });
      return;
    }
    const error = this.o.judge?.(send) ?? null;
    if (error) {
      this.sendFrame(ws, { type: 'send.rejected', clientId: send.clientId, error });
      return;
    }
    const id = `msg-${randomUUID()}`;
    this.messageIds.set(send.clientId, id);
    this.deliveries.set(send.clientId, (this.deliveries.get(send.clientId) ?? 0) + 1);
    const now = new Date().toISOString();
    const message: MessageView = {
      id,
      clientId: send.clientId,
      conversationId: conversationIdOf(send.leadId, send.channel),
      leadId: send.leadId,
      channel: send.channel,
      direction: 'outbound',
      body: send.body,
      phoneHandle: send.to,
      templateName: null,
      attachment: null,
      caption: send.caption ?? null,
      status: 'sent',
      error: null,
      authorUserId: this.userId,
      createdAt: now,
      updatedAt: now,
    };
    this.sendFrame(ws, { type: 'send.accepted', clientId: send.clientId, messageId: id });
    this.append({ type: 'message.upserted', message });
  }

  private pump(c: Client): void {
    const byBuffer = this.o.maxBufferedBytes;
    if (byBuffer !== undefined && c.draining) return;
    while (
      c.sent < this.headSeq &&
      (byBuffer !== undefined || c.sent - c.acked < this.window) &&
      c.ws.readyState === c.ws.OPEN
    ) {
      if (byBuffer !== undefined && c.ws.bufferedAmount > byBuffer) {
        // As the gateway's replay loop: wait (polling, 5 ms) until the socket has drained below the bound.
        c.draining = true;
        const check = () => {
          if (c.ws.readyState !== c.ws.OPEN) return;
          if (c.ws.bufferedAmount > byBuffer) {
            setTimeout(check, 5);
            return;
          }
          c.draining = false;
          this.pump(c);
        };
        setTimeout(check, 5);
        return;
      }
      // The log is contiguous from its first sequence, so the next event's index is arithmetic.
      const start = c.sent - this.log[0].seq + 1;
      if (start < 0 || start >= this.log.length) return;
      const room =
        byBuffer !== undefined
          ? MAX_EVENTS_PER_FRAME
          : Math.min(MAX_EVENTS_PER_FRAME, this.window - (c.sent - c.acked));
      // Fill the frame up to the count limit and under MAX_FRAME_BYTES, as the real gateway does.
      const parts: string[] = [];
      let bytes = 30;
      let last = c.sent;
      for (let i = start; i < this.log.length && parts.length < room; i++) {
        const json = this.json[i];
        if (parts.length > 0 && bytes + json.length + 1 > MAX_FRAME_BYTES - 1024) break;
        parts.push(json);
        bytes += Buffer.byteLength(json) + 1;
        last = this.log[i].seq;
      }
      if (parts.length === 0) return;
      c.ws.send(`{"type":"events","events":[${parts.join(',')}]}`);
      c.sent = last;
    }
  }

  private sendFrame(ws: WebSocket, frame: ServerFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }
}
