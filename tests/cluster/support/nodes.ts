// Server nodes as real processes: `node --import tsx server/start.ts`, each on a loopback port
// chosen once (a restarted node comes back where its clients and providers knew it), its stdout
// and stderr appended to test-artifacts/cluster-<label>-<node>.log, killable with SIGKILL so a
// "crash" is a crash and not a tidy shutdown.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../support/eventually';
import type { Backend } from './backend';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
/**
 * The checkout whose server/start.ts and server/cli.ts run as the nodes: this one, unless
 * CONVERSE_CLUSTER_SERVER_ROOT names another (an exported commit, to run the harness against a
 * known server while this tree is being changed).
 */
export const SERVER_ROOT = process.env.CONVERSE_CLUSTER_SERVER_ROOT || ROOT;

/** A port nobody listens on now (bound and released at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export class ServerNode {
  private child: ChildProcess | null = null;
  private log: WriteStream;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly url: string;

  constructor(
    readonly id: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }
  get alive(): boolean {
    return this.child !== null && this.exit === null;
  }

  /** Start the process and resolve once GET /api/v1/health answers 200. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.alive) throw new Error(`node ${this.id} is already running`);
    this.exit = null;
    this.log.write(`\n=== ${new Date().toISOString()} start ${this.id} on ${this.url}\n`);
    // CONVERSE_CLUSTER_NODE_ARGS: extra Node options for every node, e.g. `--cpu-prof --cpu-prof-dir=…` to profile one under load.
    const nodeArgs = (process.env.CONVERSE_CLUSTER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/start.ts'], {
      cwd: SERVER_ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.pipe(this.log, { end: false });
    child.stderr.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      this.exit = { code, signal };
      this.log.write(`=== ${new Date().toISOString()} exit ${this.id} code=${code} signal=${signal}\n`);
    });
    await eventually(
      async () => {
        const r = await fetch(`${this.url}/api/v1/health`, { signal: AbortSignal.timeout(1000) });
        return r.ok;
      },
      {
        timeoutMs,
        what: `node ${this.id} to answer /api/v1/health (log: ${this.logFile})`,
        failFast: () =>
          this.exit && child === this.child
            ? `node ${this.id} exited (code ${this.exit.code}, signal ${this.exit.signal}) before it was healthy; see ${this.logFile}`
            : null,
      },
    );
  }

  /** SIGKILL (a crash) or SIGTERM (a drain); resolves once the process is gone. */
  async stop(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL', timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || this.exit) return;
    child.kill(signal);
    await eventually(() => this.exit !== null, { timeoutMs, what: `node ${this.id} to exit after ${signal}` });
  }

  async close(): Promise<void> {
    await this.stop('SIGKILL');
    await new Promise<void>((r) => this.log.end(() => r()));
  }
}

export interface ClusterOptions {
  label: string;
  nodes: number;
  backend: Backend;
  /** Channel settings and tuning every node gets. */
  env: Record<string, string>;
}

export interface Cluster {
  nodes: ServerNode[];
  /** URLs of the nodes alive now. */
  liveUrls(): string[];
  close(): Promise<void>;
}

/** Start `nodes` nodes on one backend, one after the other (the first migrates the schema). */
export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const nodes: ServerNode[] = [];
  for (let i = 0; i < o.nodes; i++) {
    const id = `n${i + 1}`;
    const port = await freePort();
    nodes.push(
      new ServerNode(
        id,
        port,
        {
          CONVERSE_DEMO: 'false',
          CONVERSE_HOST: '127.0.0.1',
          CONVERSE_PORT: String(port),
          CONVERSE_NODE_ID: id,
          CONVERSE_LOG_LEVEL: 'warn',
          CONVERSE_TIME_ZONE: 'UTC',
          ...o.backend.env(),
          ...o.env,
        },
        path.join(ARTIFACTS, `cluster-${o.label}-${id}.log`),
      ),
    );
  }
  const cluster: Cluster = {
    nodes,
    liveUrls: () => nodes.filter((n) => n.alive).map((n) => n.url),
    async close() {
      await Promise.all(nodes.map((n) => n.close()));
    },
  };
  try {
    for (const n of nodes) await n.start();
    // On PostgreSQL nothing may open a SQLite file in the shared data folder, and the schema has tables.
    if (
      o.backend.kind === 'postgres' &&
      (existsSync(path.join(o.backend.dataDir, 'converse.db')) || (await o.backend.tableCount()) === 0)
    )
      throw new Error(
        `The nodes are not running on PostgreSQL (schema ${o.backend.schema}; a converse.db in ` +
          `${o.backend.dataDir}, or no tables): do server/start.ts and server/cli.ts read CONVERSE_DATABASE_URL?`,
      );
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}
