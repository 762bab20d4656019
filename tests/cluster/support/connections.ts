// Cutting a node's links to Redis or PostgreSQL without touching anyone else's: the shared
// Redis and PostgreSQL serve other suites too, so instead of restarting them we find the local
// TCP ports a node's process holds (/proc/<pid>/fd → socket inodes → /proc/net/tcp{,6}) and kill
// only the server-side connections from those ports (Redis CLIENT KILL ID, PostgreSQL
// pg_terminate_backend).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import pg from 'pg';
import net from 'node:net';

/** The local ports of the TCP sockets process `pid` holds open (Linux). */
export function localPortsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // The fd closed while we looked.
    }
  }
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9])) ports.add(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}

/** One raw Redis command over RESP (no client library needed for two admin commands). */
async function redisCommand(url: string, args: string[]): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    let data = '';
    socket.once('connect', () => {
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    });
    socket.on('data', (chunk) => {
      data += chunk.toString();
      // Bulk string ($n\r\n…\r\n), integer (:n\r\n) or error (-…\r\n): enough to know it is whole.
      const bulk = /^\$(-?\d+)\r\n/.exec(data);
      const whole = bulk
        ? Number(bulk[1]) < 0 || Buffer.byteLength(data) >= bulk[0].length + Number(bulk[1]) + 2
        : data.endsWith('\r\n');
      if (whole) {
        socket.end();
        if (data.startsWith('-')) reject(new Error(`redis: ${data.trim()}`));
        else resolve(data);
      }
    });
    socket.once('error', reject);
  });
}

/** Kill the Redis connections of the given processes; resolves to how many were killed. */
export async function killRedisConnectionsOf(redisUrl: string, pids: number[]): Promise<number> {
  const ports = new Set<number>();
  for (const pid of pids) for (const p of localPortsOf(pid)) ports.add(p);
  const list = await redisCommand(redisUrl, ['CLIENT', 'LIST']);
  let killed = 0;
  for (const line of list.split('\n')) {
    const id = /(?:^|\s)id=(\d+)/.exec(line)?.[1];
    const port = Number(/(?:^|\s)addr=[^\s]*:(\d+)/.exec(line)?.[1]);
    if (id && ports.has(port)) {
      const r = await redisCommand(redisUrl, ['CLIENT', 'KILL', 'ID', id]);
      killed += Number(/^:(\d+)/.exec(r)?.[1] ?? 0);
    }
  }
  return killed;
}

/** Terminate the PostgreSQL backends serving the given processes; resolves to how many. */
export async function terminatePostgresConnectionsOf(databaseUrl: string, pids: number[]): Promise<number> {
  const ports: number[] = [];
  for (const pid of pids) ports.push(...localPortsOf(pid));
  if (ports.length === 0) return 0;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND pid <> pg_backend_pid()',
      [ports],
    );
    return r.rows.filter((x) => x.ok).length;
  } finally {
    await c.end();
  }
}
