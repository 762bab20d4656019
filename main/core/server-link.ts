// The desktop's link to the server: the one live Connection of the signed-in session, its status
// (logged at each change), and where each frame the server sends goes: events to sync, send
// answers to the outbox, the welcome to the session owner and, once welcomed, the outbox, nudges
// and pending read marks. CoreState owns one and wires it to the rest of the core.
import type { ClientFrame } from '../../shared/stream-protocol';
import { Connection, type IncomingFrame, type LinkStatus } from './connection';
import type { SyncEngine } from './sync';
import type { Outbox } from './outbox';
import type { LocalStore } from './store/local-store';
import type { ActiveSession } from './session-owner';
import type { LogLine } from './log';

export interface ServerLinkOptions {
  session(): ActiveSession | null;
  deviceId(): string;
  /** The current store, sync engine and outbox (replaced when a damaged store is set aside). */
  store(): LocalStore;
  sync(): Pick<SyncEngine, 'enqueue' | 'enqueueUnparsed' | 'dropLink' | 'exclusive'>;
  outbox(): Pick<Outbox, 'accepted' | 'rejected' | 'linkChanged' | 'flush'>;
  /** The server's welcome named this rep: false when the store must first start over for them. */
  welcomed(userId: string): boolean;
  /** The link is up and welcomed: nudges waiting for it may go. */
  connected(): void;
  /** The server refused the session's token. */
  sessionExpired(message: string): void;
  /** The status changed (the windows are shown the new connection state). */
  changed(): void;
  tuning?: {
    heartbeatMs?: number;
    heartbeatTimeoutMs?: number;
    backoff?: { baseMs: number; maxMs: number };
    random?: () => number;
  };
  log: LogLine;
}

export class ServerLink {
  private connection: Connection | null = null;
  private link: LinkStatus = { status: 'offline', retryAt: null, reason: 'not signed in' };

  constructor(private readonly o: ServerLinkOptions) {}

  get status(): LinkStatus {
    return this.link;
  }

  /** A new connection for the current session (none without one). */
  open(): void {
    const session = this.o.session();
    if (!session) return;
    const t = this.o.tuning;
    const conn = new Connection({
      serverUrl: session.serverUrl,
      token: session.token,
      deviceId: this.o.deviceId(),
      lastSeq: () => this.o.store().state.committedSeq(),
      onStatus: (s) => {
        if (conn !== this.connection) return;
        if (s.status === 'signed-out') {
          this.o.sessionExpired(`Your session ended (${s.reason}). Sign in again to keep receiving messages.`);
          return;
        }
        this.set(s);
      },
      onFrame: (frame, link) => this.onFrame(frame, link),
      onDrop: (link) => {
        this.o.sync().dropLink(link);
        this.o.outbox().linkChanged();
      },
      heartbeatMs: t?.heartbeatMs,
      heartbeatTimeoutMs: t?.heartbeatTimeoutMs,
      backoff: t?.backoff,
      random: t?.random,
      log: this.o.log,
    });
    this.connection = conn;
    conn.start();
  }

  /** The core stops: the connection's last status (offline, stopped) is still logged and shown. */
  stop(): void {
    this.connection?.stop();
    this.connection = null;
  }

  /** The session changes: the old connection goes quietly. */
  close(): void {
    const c = this.connection;
    this.connection = null;
    c?.stop();
  }

  /** A frame to the server on the live link (or only on the given one); false when there is none. */
  send(frame: ClientFrame, link?: number): boolean {
    return this.connection?.send(frame, link) ?? false;
  }
  isLive(link: number): boolean {
    return this.connection?.currentLink === link;
  }
  pause(): void {
    this.connection?.pause();
  }
  resume(): void {
    this.connection?.resume();
  }
  /** Reconnect at once (resume from sleep, a network change, a store started over). */
  wake(reason: string): void {
    this.connection?.wake(reason);
  }
  reconnectLater(reason: string): void {
    this.connection?.reconnectLater(reason);
  }

  set(s: LinkStatus): void {
    // Each change of the link is a line in the log: when a rep says a message never came, the
    // log shows whether and when the desktop was offline.
    const reason = 'reason' in s ? s.reason : null;
    if (s.status !== this.link.status || reason !== ('reason' in this.link ? this.link.reason : null)) {
      this.o.log(`[connection] ${s.status}${reason ? `: ${reason}` : ''}`, s.status === 'offline' ? 'warn' : 'info');
    }
    this.link = s;
    this.o.changed();
  }

  private onFrame(frame: IncomingFrame, link: number): void {
    switch (frame.type) {
      case 'welcome':
        this.onWelcome(frame.userId, frame.headSeq);
        break;
      case 'events':
        this.o.sync().enqueue(frame.events, link);
        break;
      case 'unparsed':
        this.o.sync().enqueueUnparsed(frame.data, link);
        break;
      case 'send.accepted':
        this.o.outbox().accepted(frame.clientId, frame.messageId);
        break;
      case 'send.rejected':
        this.o.log(`[outbox] send ${frame.clientId} refused by the server: ${frame.error.code}`, 'warn');
        this.o.outbox().rejected(frame.clientId, frame.error);
        break;
      case 'error':
        this.o.log(`[connection] the server refused a frame: ${frame.code} ${frame.message}`, 'warn');
        break;
      case 'pong':
        break;
    }
  }

  private onWelcome(userId: string, headSeq: number): void {
    if (!this.o.welcomed(userId)) return;
    const store = this.o.store();
    if (headSeq < store.state.committedSeq()) {
      // The server's log is behind ours (restored from a backup): replay it all; upserts are idempotent.
      this.o.log(
        `[sync] server head ${headSeq} is behind our cursor ${store.state.committedSeq()}: resyncing from 0`,
        'warn',
      );
      void this.o
        .sync()
        .exclusive(() => this.o.store().state.setCommittedSeq(0))
        .then(() => this.wake('server log restored'));
      return;
    }
    const outbox = this.o.outbox();
    outbox.linkChanged();
    outbox.flush();
    this.o.connected();
    for (const r of store.conversations.pendingReads()) {
      if (this.send({ type: 'read', conversationId: r.conversationId, readUpTo: r.readUpTo }))
        store.conversations.clearPendingRead(r.conversationId, r.readUpTo);
    }
  }
}
