// The WebSocket gateway: authenticated at the upgrade, heartbeats, revoked sessions closed, and
// shutdown. Each connection's frames (`hello` → `welcome` → replay → live, acks, a bounded buffer)
// are server/stream/stream-connection.ts; a bad frame never affects other clients.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode, HEARTBEAT_MS, MAX_CLIENT_FRAME_BYTES, STREAM_PATH } from '../../shared/stream-protocol';
import { bearerToken, type Sessions } from '../auth/sessions';
import { AckRecorder } from './ack-recorder';
import { StreamConnection, type ConnectionOptions } from './stream-connection';

/** Connections pinged and checked per bite of a heartbeat. */
const CONNECTIONS_PER_BITE = 100;
/** Time between a heartbeat's bites; less when there are so many bites that they would take more than half a period. */
const BITE_SPACING_MS = 25;

export interface GatewayOptions extends Omit<ConnectionOptions, 'acks'> {
  sessions: Sessions;
  heartbeatMs?: number;
  /** How long a device's ack waits to be written with the others (ack-recorder.ts). */
  ackFlushMs?: number;
}

export class StreamGateway {
  private readonly wss: WebSocketServer;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly heartbeatMs: number;
  private readonly conns = new Set<StreamConnection>();
  private beating = false;
  private readonly connection: ConnectionOptions;
  private readonly acks: AckRecorder;

  constructor(private readonly o: GatewayOptions) {
    this.acks = new AckRecorder(o.store, { flushMs: o.ackFlushMs, log: o.log });
    this.connection = { ...o, acks: this.acks };
    // Client frames are small; the server's own frames are bounded by event-frames.ts.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false });
    this.heartbeatMs = o.heartbeatMs ?? HEARTBEAT_MS;
    this.heartbeat = setInterval(() => void this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  attach(server: Server) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== STREAM_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      socket.on('error', () => socket.destroy());
      void this.upgrade(req, socket, head);
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    let auth: Awaited<ReturnType<Sessions['authenticate']>> | 'unchecked' = null;
    try {
      auth = await this.o.sessions.authenticate(bearerToken(req.headers.authorization));
    } catch (err) {
      // The sign-in could not be checked (the database was away): not UNAUTHORIZED, which would
      // sign the rep out, but GOING_AWAY, after which the desktop reconnects.
      this.o.log?.(`stream: a sign-in could not be checked: ${(err as Error)?.message ?? String(err)}`);
      auth = 'unchecked';
    }
    if (socket.destroyed) return;
    try {
      this.handleUpgrade(req, socket, head, auth);
    } catch {
      socket.destroy();
    }
  }

  private handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    auth: Awaited<ReturnType<Sessions['authenticate']>> | 'unchecked',
  ) {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Completing the upgrade first lets the client read a documented close code.
      if (auth === 'unchecked') {
        ws.close(CloseCode.GOING_AWAY, 'The server could not check the sign-in; reconnect.');
        return;
      }
      if (!auth) {
        ws.close(CloseCode.UNAUTHORIZED, 'Sign in again: the token is missing, invalid or expired.');
        return;
      }
      if ('revoked' in auth) {
        ws.close(CloseCode.SESSION_REVOKED, 'This session was signed out.');
        return;
      }
      const conn = new StreamConnection(ws, auth.user, auth.session.id, this.connection);
      this.conns.add(conn);
      ws.on('close', () => {
        this.conns.delete(conn);
        conn.dispose();
      });
    });
  }

  /** Ping everyone; terminate those that did not answer the last ping; close revoked sessions. */
  private async beat() {
    // A beat still going (a database that answers slowly) is not joined by the next.
    if (this.beating) return;
    this.beating = true;
    try {
      await this.beatInBites();
    } finally {
      this.beating = false;
    }
  }

  private async beatInBites() {
    // In bites, spaced out: a ping is a socket write and on SQLite the session reads are
    // synchronous, so thousands in one go held every live event back for tens of milliseconds,
    // and 2,000 pings sent in a few turns came back as 2,000 pongs at once. Within a bite the
    // users and sessions are asked at once: on PostgreSQL one statement of each
    // (storage/postgres/coalesced.ts), not two per desktop.
    const conns = [...this.conns];
    const bites = Math.ceil(conns.length / CONNECTIONS_PER_BITE);
    const spacingMs = Math.min(BITE_SPACING_MS, this.heartbeatMs / 2 / Math.max(1, bites));
    for (let i = 0; i < conns.length; i += CONNECTIONS_PER_BITE) {
      const checks: Promise<void>[] = [];
      for (const c of conns.slice(i, i + CONNECTIONS_PER_BITE)) {
        // Gone since the beat began.
        if (!this.conns.has(c)) continue;
        if (!c.alive) {
          c.terminate();
          continue;
        }
        c.alive = false;
        c.ping();
        checks.push(this.checkSession(c));
      }
      await Promise.all(checks);
      if (i + CONNECTIONS_PER_BITE < conns.length) await new Promise((resolve) => setTimeout(resolve, spacingMs));
    }
  }

  /** Sessions revoked by another process (the operator CLI) or expired are closed here. */
  private async checkSession(c: StreamConnection): Promise<void> {
    try {
      const [u, s] = await Promise.all([this.o.store.getUser(c.user.id), this.o.store.getSession(c.sessionId)]);
      if (!u || !u.active) c.close(CloseCode.SESSION_REVOKED, 'This account was deactivated.');
      else if (!s || s.revokedAt) c.close(CloseCode.SESSION_REVOKED, 'This session was signed out.');
      else if (Date.parse(s.expiresAt) <= this.o.now().getTime())
        c.close(CloseCode.UNAUTHORIZED, 'The session expired; sign in again.');
    } catch {}
  }

  async close() {
    clearInterval(this.heartbeat);
    for (const c of [...this.conns]) c.close(CloseCode.GOING_AWAY, 'The server is shutting down.');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    // What the desktops acknowledged last is written before the store closes.
    await this.acks.close();
    // Sockets that do not finish the closing handshake are cut.
    setTimeout(() => {
      for (const c of this.conns) c.terminate();
    }, 1000).unref();
  }

  /** Open connections that are not closing. */
  get connectionCount(): number {
    let n = 0;
    for (const c of this.conns) if (!c.closing) n++;
    return n;
  }
}
