// One node's part in a cluster, started by the wiring (server/app.ts) when CONVERSE_REDIS_URL is
// set: live delivery through the bus, revoked sessions closed on every node, sign-in counts
// shared, and the checks that catch a lost doorbell — a read of the log for every connection
// held here when the subscription comes back, and a periodic batched head check.
import type { LiveDelivery } from '../domain/publisher';
import type { AttemptLogFactory } from '../auth/rate-limit';
import type { Store } from '../storage/store';
import type { Hub } from '../stream/hub';
import { EventBus, type ClusterLog } from './bus';
import { ClusterDelivery, ringBehindHeads } from './cluster-delivery';
import { redisAttempts } from './redis-attempts';

export interface ClusterRuntimeOptions {
  /** CONVERSE_REDIS_URL. */
  redisUrl: string;
  /** Before every Redis channel and key (default `converse:`); nodes of one cluster share it. */
  prefix?: string;
  /** This node's name, unique in the cluster (its own doorbells are not delivered twice). */
  nodeId: string;
  hub: Hub;
  store: Pick<Store, 'headSeqs'>;
  log: ClusterLog;
  /** How often the heads of the users connected here are checked (default 5 s; 0: never). */
  headCheckMs?: number;
  /** Events travel with their doorbell while the message stays under this (default 8 KB). */
  maxPayloadBytes?: number;
  /** The longest wait between two attempts to reach Redis again (default 2 s). */
  retryMaxMs?: number;
}

export interface ClusterRuntime {
  /** The Publisher's live delivery: this node's connections and, through Redis, every other node's. */
  delivery: LiveDelivery;
  /** Close the streams of these sessions here at once and on every other node (workspace.onSessionsRevoked, ctx.revokeSessions). */
  revokeSessions(ids: string[]): void;
  /** Sign-in counts every node shares (SignInLimitOptions.attempts). */
  signInAttempts: AttemptLogFactory;
  /** Read the heads of the users connected here and ring those behind; resolves to the connections that went to the log. */
  checkHeads(): Promise<number>;
  close(): Promise<void>;
}

export async function startClusterRuntime(o: ClusterRuntimeOptions): Promise<ClusterRuntime> {
  const prefix = o.prefix ?? 'converse:';
  let delivery: ClusterDelivery | null = null;
  let running: Promise<number> | null = null;
  let queued: Promise<number> | null = null;
  const run = (why: string) =>
    ringBehindHeads(o.hub, o.store)
      .then((reading) => {
        if (reading > 0) o.log.info(`cluster: ${why}: ${reading} connection(s) read events they had missed`);
        return reading;
      })
      .catch((err: unknown) => {
        o.log.warn(`cluster: ${why} failed: ${(err as Error)?.message ?? String(err)}`);
        return 0;
      });
  // One check at a time. A check asked for during one runs after it (its heads may predate what
  // the caller knows is missing); at most one waits, whoever else asks shares it.
  const checkHeads = (why: string): Promise<number> => {
    if (!running) {
      running = run(why).finally(() => {
        running = null;
      });
      return running;
    }
    queued ??= running.then(() => {
      queued = null;
      return checkHeads(why);
    });
    return queued;
  };

  const bus = await EventBus.connect({
    redisUrl: o.redisUrl,
    prefix,
    nodeId: o.nodeId,
    log: o.log,
    maxPayloadBytes: o.maxPayloadBytes,
    retryMaxMs: o.retryMaxMs,
    handlers: {
      events: (doorbells) => delivery?.received(doorbells),
      revoked: (ids) => o.hub.closeRevokedSessions(ids),
      resubscribed: () => void checkHeads('resync after Redis came back'),
    },
  });
  delivery = new ClusterDelivery(o.hub, (events) => bus.publishEvents(events));

  const headCheckMs = o.headCheckMs ?? 5000;
  // A tick while a check runs is skipped: the timer only needs one check per period.
  const timer =
    headCheckMs > 0
      ? setInterval(() => {
          if (!running) void checkHeads('head check');
        }, headCheckMs)
      : null;
  timer?.unref();

  return {
    delivery,
    revokeSessions(ids) {
      if (ids.length === 0) return;
      o.hub.closeRevokedSessions(ids);
      // Another node that misses this still closes them at its next heartbeat (gateway.ts reads the session).
      bus
        .publishRevocation(ids)
        .catch((err: unknown) =>
          o.log.warn(`cluster: revoked sessions could not be announced to other nodes: ${(err as Error).message}`),
        );
    },
    signInAttempts: redisAttempts(bus.commands, prefix, o.log),
    checkHeads: () => checkHeads('head check'),
    async close() {
      if (timer) clearInterval(timer);
      await (queued ?? running);
      await bus.close();
    },
  };
}
