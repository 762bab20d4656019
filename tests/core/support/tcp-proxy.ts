// A loopback TCP proxy between the desktop core and the server, so a test can do to the link
// what Wi-Fi and sleep do: cut it abruptly, or freeze it (bytes stop flowing, sockets stay open).
import net from 'node:net';

export class TcpProxy {
  private server!: net.Server;
  private pairs = new Set<[net.Socket, net.Socket]>();
  private accepting = true;
  port = 0;
  /** The first WebSocket frame each desktop sent (its hello), decoded. */
  readonly hellos: { lastSeq: number; deviceId: string }[] = [];
  /** Connections made through the proxy so far. */
  connections = 0;

  constructor(private readonly targetPort: number) {}

  async start(port = 0): Promise<this> {
    this.server = net.createServer((client) => {
      if (!this.accepting) {
        client.destroy();
        return;
      }
      this.connections++;
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.pairs.add(pair);
      client.pipe(upstream);
      this.sniffFirstFrame(client);
      upstream.pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('error', end);
      upstream.on('error', end);
      client.on('close', end);
      upstream.on('close', end);
    });
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** Read the client's first WebSocket frame after its upgrade request: the `hello`. */
  private sniffFirstFrame(client: net.Socket): void {
    let buf = Buffer.alloc(0);
    let headerDone = false;
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!headerDone) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buf.subarray(0, end).toString().toLowerCase().includes('upgrade: websocket')) {
          client.off('data', onData);
          return;
        }
        headerDone = true;
        buf = buf.subarray(end + 4);
      }
      if (buf.length < 2) return;
      let len = buf[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        offset = 4;
      }
      if (buf.length < offset + 4 + len) return;
      const mask = buf.subarray(offset, offset + 4);
      const payload = Buffer.from(buf.subarray(offset + 4, offset + 4 + len));
      for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
      client.off('data', onData);
      try {
        const frame = JSON.parse(payload.toString()) as { type: string; lastSeq: number; deviceId: string };
        if (frame.type === 'hello') this.hellos.push({ lastSeq: frame.lastSeq, deviceId: frame.deviceId });
      } catch {}
    };
    client.on('data', onData);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get open(): number {
    return this.pairs.size;
  }

  /** Drop every link at once, no close frames (a dropped network). */
  cut(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  /** Keep the sockets open but let nothing through (a half-dead link after sleep). */
  freeze(): void {
    for (const [a, b] of this.pairs) {
      a.unpipe(b);
      b.unpipe(a);
      a.pause();
      b.pause();
    }
  }

  /** Refuse new links (the network is down) or accept them again. */
  setAccepting(accepting: boolean): void {
    this.accepting = accepting;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
