// A desktop as the cluster sees it: one WebSocket stream on one node, `hello` with the last
// sequence it holds, every event recorded (duplicates and gaps counted, not hidden), acks after
// "committing", and, when its node dies, a reconnect to the next node that resumes from its last
// sequence and resends every send not yet accepted under the same client id.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { ServerFrame, type SendRequest, type SequencedEvent } from '../../../shared/stream-protocol';

export interface ClientOptions {
  name: string;
  token: string;
  /** The nodes, in the order this client tries them, starting with its own. */
  nodeUrls: () => string[];
  firstNode: number;
  /** Called for every event as it arrives (latency probes). */
  onEvent?: (e: SequencedEvent, at: number) => void;
  /** Check every frame with zod (default); benchmarks with thousands of clients trust the JSON. */
  validate?: boolean;
  /**
   * Keep every event received (default; the tests read them back). Benchmarks keep only the
   * sequences: thousands of clients holding every event grow the load generator's heap, and its
   * major collections then stall the very clock that times the server.
   */
  keepEvents?: boolean;
}

export class ClusterClient {
  /** Every event received, in arrival order, duplicates included. */
  readonly received: SequencedEvent[] = [];
  readonly seqs = new Set<number>();
  duplicates = 0;
  /** Sequences that arrived after a gap (a later seq before an earlier one was held). */
  gaps = 0;
  lastSeq = 0;
  headSeq = 0;
  connections = 0;
  /** performance.now() of the last time this client lost its node; null: never did. */
  orphanedAt: number | null = null;
  /** performance.now() when it was back at the head it was told at its last welcome after being orphaned. */
  caughtUpAt: number | null = null;
  readonly sends = new Map<string, { request: SendRequest; accepted: string | null; rejected: string | null }>();
  private ws: WebSocket | null = null;
  private node: number;
  private stopped = false;
  private catchUpTarget: number | null = null;
  private welcomed: Promise<void> | null = null;
  private url: string | null = null;

  constructor(private readonly o: ClientOptions) {
    this.node = o.firstNode;
  }

  get name() {
    return this.o.name;
  }
  get connected() {
    return this.ws?.readyState === WebSocket.OPEN;
  }
  /** The node of the current (or last) connection, for failure messages. */
  get nodeUrl(): string | null {
    return this.url;
  }

  /** Connect (to the current node, else the next live one) and resolve on `welcome`. */
  connect(): Promise<void> {
    this.welcomed ??= this.open().finally(() => (this.welcomed = null));
    return this.welcomed;
  }

  /** The first connection, bounded: a desktop no node welcomes (a bad token, a node on another backend) fails here. */
  async connectWithin(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.connect(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            this.close();
            reject(new Error(`${this.o.name}: no node welcomed it within ${timeoutMs} ms`));
          }, timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async open(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const urls = this.o.nodeUrls();
      if (urls.length > 0) {
        const url = urls[this.node % urls.length];
        try {
          await this.openOn(url);
          return;
        } catch {
          this.node++;
        }
      }
      await new Promise((r) => setTimeout(r, Math.min(500, 25 * 2 ** attempt)));
    }
  }

  private openOn(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/stream`, {
        headers: { authorization: `Bearer ${this.o.token}` },
        perMessageDeflate: false,
        handshakeTimeout: 3000,
      });
      let welcomed = false;
      ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', lastSeq: this.lastSeq, deviceId: this.o.name })));
      ws.on('message', (data) => {
        const json: unknown = JSON.parse(data.toString());
        const frame = this.o.validate === false ? (json as ServerFrame) : ServerFrame.parse(json);
        if (frame.type === 'welcome') {
          welcomed = true;
          this.connections++;
          this.headSeq = frame.headSeq;
          if (this.orphanedAt !== null && this.caughtUpAt === null) this.catchUpTarget = frame.headSeq;
          this.checkCaughtUp();
          // Sends the last node never accepted go again, under the same client id.
          for (const s of this.sends.values())
            if (!s.accepted && !s.rejected) ws.send(JSON.stringify({ type: 'send', send: s.request }));
          resolve();
        } else this.onFrame(ws, frame);
      });
      ws.once('close', () => {
        if (this.ws === ws) this.ws = null;
        if (!welcomed) reject(new Error(`no welcome from ${url}`));
        else if (!this.stopped) this.lost();
      });
      ws.on('error', () => undefined); // shows as close
      this.ws = ws;
      this.url = url;
    });
  }

  private lost() {
    this.orphanedAt = performance.now();
    this.caughtUpAt = null;
    this.catchUpTarget = null;
    this.node++;
    void this.connect();
  }

  private checkCaughtUp() {
    if (this.catchUpTarget !== null && this.lastSeq >= this.catchUpTarget && this.caughtUpAt === null) {
      this.caughtUpAt = performance.now();
      this.catchUpTarget = null;
    }
  }

  private onFrame(ws: WebSocket, frame: ServerFrame) {
    const at = performance.now();
    switch (frame.type) {
      case 'events': {
        for (const e of frame.events) {
          if (this.o.keepEvents !== false) this.received.push(e);
          if (this.seqs.has(e.seq)) {
            this.duplicates++;
            continue;
          }
          if (e.seq !== this.lastSeq + 1) this.gaps++;
          this.seqs.add(e.seq);
          this.lastSeq = Math.max(this.lastSeq, e.seq);
          this.o.onEvent?.(e, at);
        }
        this.checkCaughtUp();
        // "Committed" as soon as recorded: acknowledge the newest sequence held.
        ws.send(JSON.stringify({ type: 'ack', seq: this.lastSeq }));
        return;
      }
      case 'send.accepted': {
        const s = this.sends.get(frame.clientId);
        if (s) s.accepted = frame.messageId;
        return;
      }
      case 'send.rejected': {
        const s = this.sends.get(frame.clientId);
        if (s) s.rejected = `${frame.error.code}: ${frame.error.message}`;
        return;
      }
      case 'welcome':
      case 'error':
      case 'pong':
        return;
    }
  }

  /** Send a text over the stream; kept and resent on reconnect until accepted or rejected. */
  send(leadId: string, body: (clientId: string) => string): string {
    const clientId = randomUUID();
    const request: SendRequest = { clientId, leadId, channel: 'whatsapp', to: null, body: body(clientId) };
    this.sends.set(clientId, { request, accepted: null, rejected: null });
    if (this.connected) this.ws!.send(JSON.stringify({ type: 'send', send: request }));
    return clientId;
  }

  /** Events of one type, each sequence once, in sequence order. */
  events(): SequencedEvent[] {
    const bySeq = new Map<number, SequencedEvent>();
    for (const e of this.received) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  close() {
    this.stopped = true;
    this.ws?.terminate();
  }
}

/** The whole log of a user as the backend holds it: a fresh stream from sequence 0 up to its head. */
export async function readLog(url: string, token: string, timeoutMs = 30_000): Promise<SequencedEvent[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/stream`, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    const events: SequencedEvent[] = [];
    let head = -1;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`reading the log from ${url}: only ${events.length} of ${head} events in ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      ws.terminate();
      resolve(events);
    };
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', lastSeq: 0, deviceId: `audit-${randomUUID()}` })));
    ws.on('message', (data) => {
      const frame = ServerFrame.parse(JSON.parse(data.toString()));
      if (frame.type === 'welcome') head = frame.headSeq;
      if (frame.type === 'events') for (const e of frame.events) if (e.seq <= head) events.push(e);
      if (head >= 0 && (events.length ? events[events.length - 1].seq : 0) >= head) done();
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
