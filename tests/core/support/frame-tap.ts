// A loopback TCP relay between the desktop core and the server that reads the WebSocket frames
// the server sends, so a test can see how large each one was and how often the desktop
// connected (a desktop that refuses a frame reconnects into it again and again).
import net from 'node:net';

export class FrameTap {
  private server!: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  /** Payload bytes of every text frame the server sent, in order, over every connection. */
  readonly textFrames: number[] = [];
  connections = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = net.createServer((client) => {
      this.connections++;
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      }
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end);
      upstream.on('error', end);
      client.on('close', end);
      upstream.on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
      upstream.on('data', this.reader());
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get largestFrame(): number {
    return this.textFrames.reduce((m, n) => Math.max(m, n), 0);
  }

  /** Reads one server → client byte stream: the HTTP upgrade answer, then frame headers, skipping payloads. */
  private reader(): (chunk: Buffer) => void {
    let upgraded = false;
    let pending = Buffer.alloc(0);
    let skip = 0;
    return (chunk) => {
      let buf = chunk;
      if (!upgraded) {
        pending = Buffer.concat([pending, buf]);
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        upgraded = true;
        buf = pending.subarray(end + 4);
        pending = Buffer.alloc(0);
      }
      while (buf.length > 0) {
        if (skip > 0) {
          const n = Math.min(skip, buf.length);
          skip -= n;
          buf = buf.subarray(n);
          continue;
        }
        pending = Buffer.concat([pending, buf]);
        buf = Buffer.alloc(0);
        if (pending.length < 2) return;
        let len = pending[1] & 0x7f;
        let offset = 2;
        if (len === 126) {
          if (pending.length < 4) return;
          len = pending.readUInt16BE(2);
          offset = 4;
        } else if (len === 127) {
          if (pending.length < 10) return;
          len = Number(pending.readBigUInt64BE(2));
          offset = 10;
        }
        if (pending[1] & 0x80) offset += 4;
        if (pending.length < offset) return;
        if ((pending[0] & 0x0f) === 1) this.textFrames.push(len);
        buf = pending.subarray(offset);
        pending = Buffer.alloc(0);
        skip = len;
      }
    };
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
