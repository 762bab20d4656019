// Two nodes in one process for the cluster-bus suites: one SQLite database file is the log both
// share (each node opens its own SqliteStore on it, as nodes open their own pools on
// PostgreSQL), each node has its own Hub and cluster runtime over the one real Redis, and the
// connections are recorders that behave like StreamConnection towards their log position: an
// offer that follows what they hold is taken, a gap or a ring past it reads the log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { SqliteStore } from '../../server/storage/sqlite';
import type { AppendedEvent } from '../../server/storage/store';
import type { StreamEvent } from '../../shared/stream-protocol';
import { Hub, type LiveConnection } from '../../server/stream/hub';
import { startClusterRuntime, type ClusterRuntime, type ClusterRuntimeOptions } from '../../server/cluster/runtime';
import type { ClusterLog } from '../../server/cluster/bus';
import { TEST_REDIS_URL } from '../support/services';

/** The log lines of one node. */
export class RecordingLog implements ClusterLog {
  readonly lines: string[] = [];
  info(m: string) {
    this.lines.push(`info ${m}`);
  }
  warn(m: string) {
    this.lines.push(`warn ${m}`);
  }
  error(m: string) {
    this.lines.push(`error ${m}`);
  }
  has(part: string) {
    return this.lines.some((l) => l.includes(part));
  }
}

/** A desktop's connection as the hub sees it, recording what reached it and how. */
export class RecordingConnection implements LiveConnection {
  /** Seqs the desktop received, in order (a duplicate would show twice). */
  readonly received: number[] = [];
  readonly offers: AppendedEvent[][] = [];
  readonly rings: number[] = [];
  /** Log reads done (after a gap or a ring). */
  logReads = 0;
  closed: { code: number; reason: string } | null = null;
  private reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SqliteStore,
    readonly userId: string,
    readonly sessionId: string,
  ) {}

  get sentUpTo(): number {
    return this.received.at(-1) ?? 0;
  }

  offer(events: AppendedEvent[]) {
    this.offers.push(events);
    const fresh = events.filter((e) => e.seq > this.sentUpTo);
    if (fresh.length === 0) return;
    if (fresh[0].seq !== this.sentUpTo + 1) return void this.readLog();
    for (const e of fresh) this.received.push(e.seq);
  }

  ring(seq: number): boolean {
    this.rings.push(seq);
    if (seq <= this.sentUpTo) return false;
    void this.readLog();
    return true;
  }

  close(code: number, reason: string) {
    this.closed = { code, reason };
  }

  private readLog() {
    this.reading = this.reading.then(async () => {
      this.logReads++;
      for (const e of await this.store.eventsAfter(this.userId, this.sentUpTo, 1000)) this.received.push(e.seq);
    });
    return this.reading;
  }
}

export interface TestNode {
  name: string;
  store: SqliteStore;
  hub: Hub;
  runtime: ClusterRuntime;
  log: RecordingLog;
  connect(userId: string, sessionId?: string): RecordingConnection;
  /** Append events for a user as the Publisher does: commit, then live delivery. */
  append(userId: string, event: StreamEvent): Promise<AppendedEvent>;
}

export interface TestCluster {
  file: string;
  userId: string;
  node(name: string, opts?: Partial<ClusterRuntimeOptions>): Promise<TestNode>;
  close(): Promise<void>;
}

/** A database file with one user, and nodes started on demand over one Redis prefix. */
export async function testCluster(prefix: string): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'converse-cluster-'));
  const file = path.join(dir, 'converse.db');
  const first = new SqliteStore(file);
  const user = await first.createUser({ email: 'rita@example.test', name: 'Rita', role: 'sales', passwordHash: 'x' });
  const nodes: TestNode[] = [];
  const stores = [first];
  return {
    file,
    userId: user.id,
    async node(name, opts = {}) {
      const store = stores.length === 1 && nodes.length === 0 ? first : new SqliteStore(file);
      if (store !== first) stores.push(store);
      const hub = new Hub();
      const log = new RecordingLog();
      const runtime = await startClusterRuntime({
        redisUrl: TEST_REDIS_URL,
        prefix,
        nodeId: name,
        hub,
        store,
        log,
        headCheckMs: 0,
        retryMaxMs: 100,
        ...opts,
      });
      const node: TestNode = {
        name,
        store,
        hub,
        runtime,
        log,
        connect(userId, sessionId = `ses_${name}_${hub.size}`) {
          const c = new RecordingConnection(store, userId, sessionId);
          hub.add(c);
          return c;
        },
        async append(userId, event) {
          const [appended] = await store.appendEvents([{ userId, event }], new Date().toISOString());
          runtime.delivery.deliver([appended]);
          return appended;
        },
      };
      nodes.push(node);
      return node;
    },
    async close() {
      await Promise.all(nodes.map((n) => n.runtime.close()));
      for (const s of stores) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A third Redis client, the test's own (to kill connections, publish garbage). */
export function adminRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** Kills one node's connection in Redis by its name, as a network cut would. */
export async function killConnection(admin: Redis, name: string): Promise<void> {
  const list = (await admin.call('CLIENT', 'LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  if (!line) throw new Error(`no Redis connection named ${name}`);
  const id = /(?:^|\s)id=(\d+)/.exec(line)?.[1];
  await admin.call('CLIENT', 'KILL', 'ID', id!);
}

export const readEvent = (n: number): StreamEvent => ({
  type: 'conversation.read',
  conversationId: `cnv_${n}`,
  readUpTo: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
});
