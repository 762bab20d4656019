// Load for the cluster benchmark: desktops spread over the nodes, signed inbound webhooks at a
// set rate through the provider fake (round-robin over the nodes, retried like Meta's), and the
// time from each webhook's (last) sending to its message event at the owner's desktop. The clock
// starts before the HTTP request, so the figure includes the webhook's own round trip.
import { ClusterClient } from '../tests/cluster/support/clients';
import type { Cluster } from '../tests/cluster/support/nodes';
import type { Provider } from '../tests/cluster/support/provider';
import { percentile } from './figures';
import type { BenchUser } from './cluster-store';

export interface Desktops {
  clients: ClusterClient[];
  /** Webhook key → when its message first reached its owner's desktop, and under which message ids. */
  arrivals: Map<string, { at: number; messageIds: Set<string> }>;
  close(): void;
}

export async function connectDesktops(cluster: Cluster, users: BenchUser[]): Promise<Desktops> {
  const arrivals: Desktops['arrivals'] = new Map();
  const urls = () => cluster.nodes.filter((n) => n.alive).map((n) => n.url);
  const clients = users.map(
    (u, i) =>
      new ClusterClient({
        name: `bench-${i}`,
        token: u.token,
        nodeUrls: urls,
        firstNode: i,
        validate: false,
        keepEvents: false,
        onEvent: (e, at) => {
          if (e.event.type !== 'message.upserted' || e.event.message.direction !== 'inbound') return;
          const key = e.event.message.body;
          const seen = arrivals.get(key);
          if (seen) seen.messageIds.add(e.event.message.id);
          else arrivals.set(key, { at, messageIds: new Set([e.event.message.id]) });
        },
      }),
  );
  // In waves, so the nodes' accept queues are not flooded.
  for (let i = 0; i < clients.length; i += 100)
    await Promise.all(clients.slice(i, i + 100).map((c) => c.connectWithin(30_000)));
  return { clients, arrivals, close: () => clients.forEach((c) => c.close()) };
}

export interface LoadResult {
  keys: string[];
  /** Inbound webhooks per second actually sent. */
  achievedRate: number;
  delivered: number;
  latencies: number[];
  p50: number;
  p99: number;
}

/** `rate` webhooks per second for `seconds`, each from the lead of user n % users; `at(t)` runs once at fraction t. */
export async function drive(
  provider: Provider,
  desktops: Desktops,
  users: BenchUser[],
  o: { tag: string; rate: number; seconds: number; waitMs: number; at?: { t: number; run: () => void } },
): Promise<LoadResult> {
  const total = Math.round(o.rate * o.seconds);
  const keys: string[] = [];
  const started = performance.now();
  let fired = !o.at;
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (!fired && n >= o.at!.t * total) {
      fired = true;
      o.at!.run();
    }
    const key = `wamid.${o.tag}.${n}`;
    keys.push(key);
    void provider.inbound(key, users[n % users.length].leadWaId, key);
  }
  const achievedRate = total / ((performance.now() - started) / 1000);
  // Bounded: an overloaded node may still be answering when the wait is over; what has not
  // arrived by then counts as not delivered.
  const deadline = Date.now() + o.waitMs;
  await Promise.race([provider.settled(), new Promise((r) => setTimeout(r, o.waitMs))]);
  while (Date.now() < deadline && keys.some((k) => !desktops.arrivals.has(k)))
    await new Promise((r) => setTimeout(r, 20));
  const latencies: number[] = [];
  for (const k of keys) {
    const a = desktops.arrivals.get(k);
    const d = provider.deliveries.get(k);
    if (a && d) latencies.push(a.at - d.attemptAt);
  }
  return {
    keys,
    achievedRate,
    delivered: latencies.length,
    latencies,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Whether a step of the ceiling search held: every event delivered, p99 under the bound, the rate kept. */
export const sustained = (r: LoadResult, rate: number, p99Ms: number) =>
  r.delivered === r.keys.length && r.p99 < p99Ms && r.achievedRate >= rate * 0.95;
