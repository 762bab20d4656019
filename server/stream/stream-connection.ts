// One desktop's WebSocket connection after the upgrade: its frames validated and handled in
// order (`hello` → `welcome` → replay → live, acks, sends, read marks), and the flow of events to
// it — replay from the log, live pushes, a bounded write buffer, SLOW_CONSUMER when it stays full.
// server/stream/gateway.ts accepts connections and runs the heartbeat.
import { WebSocket, type RawData } from 'ws';
import {
  ClientFrame,
  CloseCode,
  EVENTS_FRAME_TARGET_BYTES,
  FrameErrorCode,
  MAX_EVENTS_PER_FRAME,
  type ServerFrame,
} from '../../shared/stream-protocol';
import { ErrorCode } from '../../shared/error-codes';
import type { AppendedEvent, Store, UserRecord } from '../storage/store';
import type { Hub, LiveConnection } from './hub';
import type { SendPipeline } from '../messaging/send-pipeline';
import type { Publisher } from '../domain/publisher';
import { NotVisibleError, requireConversationAccess } from '../domain/access';
import { packEventFrames, serialiseEvent, type SerialisedEvent } from './event-frames';
import type { AckRecorder } from './ack-recorder';

/** Frames a replay reads from the log at once, room on the socket allowing. */
const REPLAY_FRAMES_PER_READ = 5;
export interface ConnectionOptions {
  store: Store;
  hub: Hub;
  sends: SendPipeline;
  publisher: Publisher;
  now: () => Date;
  helloTimeoutMs?: number;
  /** The bound on bytes queued per connection (default 1 MB): above it nothing more is written. */
  maxBufferedBytes?: number;
  /** A connection that stays above the bound this long is closed SLOW_CONSUMER (default 15 s). */
  slowConsumerMs?: number;
  /** Consecutive bad frames before the connection is closed PROTOCOL_ABUSE. */
  maxBadFrames?: number;
  /** Where the gateway reports what an operator must know (an event too large to send). */
  log?: (msg: string) => void;
  /** Where acks go to be written in batches (one per node, from the gateway). */
  acks: AckRecorder;
}

const KNOWN_FRAME_TYPES = ['hello', 'ack', 'send', 'read', 'ping'];

/** Why a JSON frame that is no ClientFrame was refused: an unknown type, or the first bad field. */
function invalidFrameMessage(raw: unknown, issue: { path: PropertyKey[]; message: string } | undefined): string {
  const type =
    raw && typeof raw === 'object' && 'type' in raw ? String((raw as { type: unknown }).type).slice(0, 40) : null;
  if (type && !KNOWN_FRAME_TYPES.includes(type)) return `Unknown frame type "${type}".`;
  const where = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  return `Invalid ${type ? `${type} ` : ''}frame${where}: ${issue?.message ?? 'rejected'}.`;
}

export class StreamConnection implements LiveConnection {
  readonly userId: string;
  alive = true;
  private deviceId: string | null = null;
  /** Highest seq written to the socket. */
  private sentUpTo = 0;
  /** True while events are read from the log rather than pushed live. */
  private replaying = false;
  /** An event was offered while a log read was in flight: read again before going live. */
  private missedWhileReplaying = false;
  private badFrames = 0;
  private helloTimer: NodeJS.Timeout | null;
  private closed = false;
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: WebSocket,
    readonly user: UserRecord,
    readonly sessionId: string,
    private readonly o: ConnectionOptions,
  ) {
    this.userId = user.id;
    this.helloTimer = setTimeout(
      () => this.close(CloseCode.HELLO_TIMEOUT, 'No hello received in time.'),
      o.helloTimeoutMs ?? 10_000,
    );
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      this.alive = true;
      this.onMessage(data, isBinary);
    });
    ws.on('error', () => {
      /* a protocol error (oversize frame…) is followed by close; nothing to do here */
    });
  }

  get closing(): boolean {
    return this.closed;
  }
  private get maxBuffered(): number {
    return this.o.maxBufferedBytes ?? 1024 * 1024;
  }
  ping() {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
  }
  terminate() {
    this.closed = true;
    this.ws.terminate();
  }

  close(code: number, reason: string) {
    if (this.closed) return;
    this.closed = true;
    this.o.hub.remove(this);
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
    // The close frame queues behind what is already buffered (at most the bound plus one frame);
    // a peer that does not read it and answer in time is cut.
    setTimeout(() => this.ws.terminate(), 10_000).unref();
  }

  dispose() {
    this.closed = true;
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.o.hub.remove(this);
  }

  private send(frame: ServerFrame) {
    this.sendRaw(JSON.stringify(frame));
  }
  private sendRaw(text: string) {
    if (!this.closed && this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  private error(code: string, message: string) {
    this.send({ type: 'error', code, message });
    if (++this.badFrames >= (this.o.maxBadFrames ?? 20))
      this.close(CloseCode.PROTOCOL_ABUSE, 'Too many malformed frames.');
  }

  private onMessage(data: RawData, isBinary: boolean) {
    if (this.closed) return;
    if (isBinary)
      return this.error(FrameErrorCode.INVALID_FRAME, 'Frames are JSON text; binary frames are not accepted.');
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return this.error(FrameErrorCode.MALFORMED_JSON, 'The frame is not valid JSON.');
    }
    const parsed = ClientFrame.safeParse(raw);
    if (!parsed.success)
      return this.error(FrameErrorCode.INVALID_FRAME, invalidFrameMessage(raw, parsed.error.issues[0]));
    this.badFrames = 0;
    const frame = parsed.data;
    if (frame.type === 'ping') return this.send({ type: 'pong', t: frame.t });
    if (frame.type !== 'hello' && this.deviceId === null)
      return this.error(FrameErrorCode.HELLO_REQUIRED, 'Say hello first.');
    // Frames of one connection are handled in order.
    this.work = this.work.then(() => this.handle(frame)).catch((err: unknown) => this.failed(frame, err));
  }

  /**
   * A frame the server could not handle (its database was away for a moment). A `hello` or a
   * `send` must not be left unanswered: the desktop waits for `welcome`, and resends a send only
   * on a new link, so the connection is closed GOING_AWAY and the desktop reconnects, resumes and
   * sends again under the same client id (the server dedupes on it). Anything else (an ack, a
   * read mark) gets an error frame; its next frame covers it.
   */
  private failed(frame: ClientFrame, err: unknown) {
    const why = (err as Error)?.message ?? String(err);
    const what = frame.type === 'send' ? `send ${frame.send.clientId}` : `${frame.type} frame`;
    this.o.log?.(`stream: a ${what} of user ${this.userId} failed: ${why}`);
    if (frame.type === 'hello' || frame.type === 'send') {
      this.send({
        type: 'error',
        code: ErrorCode.INTERNAL,
        message: `The server could not handle this ${what}; reconnect and send it again.`,
      });
      this.close(CloseCode.GOING_AWAY, 'The server could not handle a frame; reconnect and resend.');
      return;
    }
    this.send({ type: 'error', code: ErrorCode.INTERNAL, message: 'The server could not handle this frame.' });
  }

  private async handle(frame: ClientFrame) {
    const { store, now } = this.o;
    switch (frame.type) {
      case 'hello': {
        if (this.deviceId !== null)
          return this.error(FrameErrorCode.INVALID_FRAME, 'hello was already said on this connection.');
        if (this.helloTimer) {
          clearTimeout(this.helloTimer);
          this.helloTimer = null;
        }
        this.deviceId = frame.deviceId;
        const head = await store.headSeq(this.userId);
        // A client ahead of the server (another server's database) starts over from the beginning.
        this.sentUpTo = frame.lastSeq > head ? 0 : frame.lastSeq;
        this.send({ type: 'welcome', userId: this.userId, headSeq: head, serverTime: now().toISOString() });
        this.o.hub.add(this);
        this.replaying = true;
        void this.replay();
        return;
      }
      case 'ack':
        this.o.acks.record({
          userId: this.userId,
          deviceId: this.deviceId!,
          seq: Math.min(frame.seq, this.sentUpTo),
          at: now().toISOString(),
        });
        return;
      case 'send': {
        const res = await this.o.sends.send(this.user, frame.send);
        if (res.ok) this.send({ type: 'send.accepted', clientId: frame.send.clientId, messageId: res.messageId });
        else this.send({ type: 'send.rejected', clientId: frame.send.clientId, error: res.error });
        return;
      }
      case 'read': {
        try {
          await requireConversationAccess(store, this.user, frame.conversationId);
        } catch (err) {
          if (err instanceof NotVisibleError) return this.send({ type: 'error', code: err.code, message: err.message });
          throw err;
        }
        const readUpTo = await store.setReadUpTo(
          frame.conversationId,
          this.userId,
          new Date(frame.readUpTo).toISOString(),
        );
        // Every device of this user learns it, through the user's own log.
        await this.o.publisher.toUsers([this.userId], () => ({
          type: 'conversation.read',
          conversationId: frame.conversationId,
          readUpTo,
        }));
        return;
      }
      case 'ping': // answered in onMessage, before the hello check
      default:
        return;
    }
  }

  /** Live events: pushed straight away when this connection is caught up, else read from the log. */
  offer(events: AppendedEvent[]) {
    if (this.closed || this.deviceId === null) return;
    if (this.replaying) {
      this.missedWhileReplaying = true;
      return;
    } // the replay loop reads them from the log
    const fresh = events.filter((e) => e.seq > this.sentUpTo);
    if (fresh.length === 0) return;
    if (fresh[0].seq !== this.sentUpTo + 1) {
      this.replaying = true;
      void this.replay();
      return;
    }
    // Over the bound: stop pushing and let the replay loop wait for the socket to drain (it
    // closes SLOW_CONSUMER if it does not). The events wait in the log, not in memory.
    if (this.ws.bufferedAmount > this.maxBuffered) {
      this.replaying = true;
      void this.replay();
      return;
    }
    this.sendEvents(fresh.map(serialiseEvent));
  }

  /** The log reached `seq` (a doorbell from another node, or a head check): past what was sent,
   * read the log the way a gap does. A replay already running reads again before going live. */
  ring(seq: number): boolean {
    if (this.closed || this.deviceId === null || seq <= this.sentUpTo) return false;
    if (this.replaying) {
      this.missedWhileReplaying = true;
      return true;
    }
    this.replaying = true;
    void this.replay();
    return true;
  }

  /** Events in seq order, following sentUpTo, in frames bounded by bytes (event-frames.ts). */
  private sendEvents(events: SerialisedEvent[]) {
    const { frames, tooLarge } = packEventFrames(events);
    for (const frame of frames) this.sendRaw(frame);
    for (const seq of tooLarge)
      this.o.log?.(
        `stream: event ${seq} of user ${this.userId} is larger than any frame a desktop accepts; it was left out`,
      );
    this.sentUpTo = events[events.length - 1].seq;
  }

  /** Send everything after sentUpTo from the log, about a frame's worth per read, without overfilling the socket. */
  private async replay() {
    const highWater = this.maxBuffered;
    try {
      for (;;) {
        if (this.closed) return;
        if (this.ws.bufferedAmount > highWater) {
          const drained = await this.waitForDrain(highWater, this.o.slowConsumerMs ?? 15_000);
          if (!drained) {
            this.close(
              CloseCode.SLOW_CONSUMER,
              'The connection could not keep up with the replay; reconnect and resume.',
            );
            return;
          }
          continue;
        }
        this.missedWhileReplaying = false;
        // Up to REPLAY_FRAMES_PER_READ frames' worth per read, as much as the socket has room for
        // below its bound (at least one frame): a database across the network (PostgreSQL) costs a
        // round trip per read, so a long resume reads in bigger steps; the packer splits the rows
        // into frames by bytes (characters are 1–3 bytes each).
        const frames = Math.max(
          1,
          Math.min(
            REPLAY_FRAMES_PER_READ,
            Math.floor((highWater - this.ws.bufferedAmount) / EVENTS_FRAME_TARGET_BYTES),
          ),
        );
        const rows = await this.o.store.eventsAfterJson(
          this.userId,
          this.sentUpTo,
          MAX_EVENTS_PER_FRAME * frames,
          EVENTS_FRAME_TARGET_BYTES * frames,
        );
        if (rows.length === 0) {
          if (this.missedWhileReplaying) continue;
          this.replaying = false;
          return;
        }
        if (this.closed) return;
        this.sendEvents(rows);
      }
    } catch (err) {
      this.o.log?.(
        `stream: reading the event log of user ${this.userId} failed: ${(err as Error)?.message ?? String(err)}`,
      );
      this.close(CloseCode.GOING_AWAY, 'The server could not read the event log; reconnect.');
    }
  }

  private waitForDrain(highWater: number, timeoutMs: number): Promise<boolean> {
    const started = Date.now();
    return new Promise((resolve) => {
      const check = () => {
        if (this.closed) return resolve(false);
        if (this.ws.bufferedAmount <= highWater) return resolve(true);
        if (Date.now() - started > timeoutMs) return resolve(false);
        setTimeout(check, 5);
      };
      check();
    });
  }
}
