// One cluster run: backend, provider, nodes, workspace and desktops; a burst of inbound webhooks
// and sends with a disruption in the middle (a node SIGKILLed, Redis or PostgreSQL links cut);
// then everything the run promised, checked against the log the backend holds.
import { afterAll, beforeAll } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import type { SequencedEvent } from '../../../shared/stream-protocol';
import type { MessageView, NudgeView } from '../../../shared/domain';
import { eventually } from '../../support/eventually';
import { openBackend, type Backend, type BackendKind } from './backend';
import { postgresLogViolations } from './postgres-log';
import { explainUnsettled } from './diagnose';
import { startCluster, type Cluster } from './nodes';
import { whatsAppEnvOf } from '../../fakes/whatsapp-graph';
import { startProvider, type Provider } from './provider';
import { ClusterClient, readLog } from './clients';
import { apiCall, createAdminWithCli, createDueTasks, seedWorkspace, type SeededUser, type Workspace } from './seed';

export interface Run {
  label: string;
  backend: Backend;
  provider: Provider;
  cluster: Cluster;
  ws: Workspace;
  /** Every desktop: one on the admin, `devicesPerRep` per rep, spread over the nodes. */
  clients: { user: SeededUser; client: ClusterClient }[];
  /** Keys of the inbound webhooks given to the provider so far. */
  inboundKeys: string[];
  /** Task reminders made, with their owner. */
  tasks: { id: string; ownerId: string }[];
  close(): Promise<void>;
}

export interface RunOptions {
  label: string;
  kind: BackendKind;
  nodes: number;
  reps: number;
  leads: number;
  devicesPerRep: number;
  /** Extra node settings (sweep and lease tuning). */
  env?: Record<string, string>;
}

const ADMIN_EMAIL = 'admin@cluster.test';

export async function startRun(o: RunOptions): Promise<Run> {
  const backend = await openBackend(o.kind, o.label);
  let cluster: Cluster | null = null;
  const provider = await startProvider({ nodeUrls: () => cluster?.liveUrls() ?? [] });
  const clients: Run['clients'] = [];
  const close = async () => {
    for (const c of clients) c.client.close();
    await provider.close();
    await cluster?.close();
    await backend.drop();
  };
  try {
    await createAdminWithCli(backend, ADMIN_EMAIL);
    cluster = await startCluster({
      label: o.label,
      nodes: o.nodes,
      backend,
      env: { ...whatsAppEnvOf(provider.fake), ...o.env },
    });
    const c = cluster;
    const ws = await seedWorkspace(c.nodes[0].url, { adminEmail: ADMIN_EMAIL, reps: o.reps, leads: o.leads });
    const allUrls = () => c.nodes.map((n) => n.url).filter((u) => c.liveUrls().includes(u));
    let k = 0;
    const add = (user: SeededUser, device: number) =>
      clients.push({
        user,
        client: new ClusterClient({
          name: `${user.email}#${device}`,
          token: user.token,
          nodeUrls: allUrls,
          firstNode: k++,
        }),
      });
    add(ws.admin, 0);
    for (const rep of ws.reps) for (let d = 0; d < o.devicesPerRep; d++) add(rep, d);
    await Promise.all(clients.map((x) => x.client.connectWithin(30_000)));
    return { label: o.label, backend, provider, cluster: c, ws, clients, inboundKeys: [], tasks: [], close };
  } catch (err) {
    await close();
    throw err;
  }
}

const adminClient = (run: Run) => run.clients[0].client;

/** Message views in a list of events, the latest version of each message. */
function latestMessages(events: SequencedEvent[]): Map<string, MessageView> {
  const out = new Map<string, MessageView>();
  for (const e of events) if (e.event.type === 'message.upserted') out.set(e.event.message.id, e.event.message);
  return out;
}

/** One inbound per lead, so every lead's WhatsApp window is open before anyone sends. */
/** A run for one describe block: started, with every desktop's window open, before its tests; closed after. */
export function useRun(o: RunOptions): () => Run {
  let run: Run | null = null;
  beforeAll(async () => {
    run = await startRun(o);
    await openWindows(run);
  }, 90_000);
  afterAll(async () => {
    await run?.close();
  });
  return () => {
    if (!run) throw new Error(`the ${o.label} run did not start`);
    return run;
  };
}

export async function openWindows(run: Run): Promise<void> {
  await Promise.all(
    run.ws.leads.map((l, i) => {
      const key = `wamid.warm.${run.label}.${i}`;
      run.inboundKeys.push(key);
      return run.provider.inbound(key, l.waId, key);
    }),
  );
  await eventually(
    () => {
      const bodies = new Set([...latestMessages(adminClient(run).events()).values()].map((m) => m.body));
      return run.inboundKeys.every((k) => bodies.has(k));
    },
    { timeoutMs: 20_000, what: 'the warm-up messages at the admin' },
  );
}

export interface BurstOptions {
  tag: string;
  webhooks: number;
  sends: number;
  seconds: number;
  /** Reminders due in the middle of the burst (one per rep, at most). */
  reminders: number;
  /** Called once, when `at` (0–1) of the burst has gone. */
  disrupt?: { at: number; run: () => Promise<void> };
}

/** Inbound webhooks and sends spread evenly over `seconds`, with the disruption in between. */
export async function burst(run: Run, b: BurstOptions): Promise<void> {
  const t0 = Date.now();
  const ms = b.seconds * 1000;
  const due = new Date(t0 + ms / 2);
  const reps = run.ws.reps.slice(0, b.reminders);
  const taskIds = await createDueTasks(
    run.cluster.liveUrls()[0],
    run.ws.admin.token,
    reps.map((r) => ({ ownerId: r.id, leadId: run.ws.leads.find((l) => l.ownerId === r.id)!.id, dueAt: due })),
  );
  taskIds.forEach((id, i) => run.tasks.push({ id, ownerId: reps[i].id }));
  const start = Date.now();
  const steps: { at: number; go: () => void }[] = [];
  for (let i = 0; i < b.webhooks; i++) {
    const lead = run.ws.leads[i % run.ws.leads.length];
    const key = `wamid.${b.tag}.${i}`;
    steps.push({
      at: (i * ms) / b.webhooks,
      go: () => {
        run.inboundKeys.push(key);
        void run.provider.inbound(key, lead.waId, key);
      },
    });
  }
  const repClients = run.clients.filter((c) => c.user.role === 'sales');
  for (let i = 0; i < b.sends; i++) {
    const { user, client } = repClients[i % repClients.length];
    const lead = run.ws.leads.find((l) => l.ownerId === user.id)!;
    steps.push({ at: (i * ms) / b.sends + 3, go: () => void client.send(lead.id, (id) => `out-${id}`) });
  }
  steps.sort((a, b2) => a.at - b2.at);
  let disrupted = !b.disrupt;
  let disruption: Promise<void> = Promise.resolve();
  for (const s of steps) {
    const wait = start + s.at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (!disrupted && s.at >= b.disrupt!.at * ms) {
      disrupted = true;
      disruption = b.disrupt!.run();
    }
    s.go();
  }
  await disruption;
}

const FINAL = new Set(['sent', 'delivered', 'read', 'failed']);

/** Wait until every webhook was answered, every send settled and every reminder fired. */
export async function settle(run: Run, timeoutMs = 30_000): Promise<void> {
  await run.provider.settled();
  const admin = adminClient(run);
  let unreportedIds: string[] = [];
  let unansweredIds: string[] = [];
  await eventually(
    () => {
      const messages = [...latestMessages(admin.events()).values()];
      const bodies = new Set(messages.map((m) => m.body));
      const missing = run.inboundKeys.filter((k) => !bodies.has(k));
      const sends = run.clients.flatMap((c) => [...c.client.sends.values()]);
      const unanswered = sends.filter((s) => !s.accepted && !s.rejected);
      const byClientId = new Map(messages.filter((m) => m.clientId).map((m) => [m.clientId!, m]));
      const unreported = sends.filter(
        (s) => s.accepted && !FINAL.has(byClientId.get(s.request.clientId)?.status ?? ''),
      );
      const unfired = run.tasks.filter(
        (t) => !reminderNudges(clientsOf(run, t.ownerId)[0].events()).some((n) => n.taskId === t.id),
      );
      const disconnected = run.clients.filter((c) => !c.client.connected);
      unreportedIds = unreported.map((s) => s.request.clientId);
      unansweredIds = unanswered.map((s) => s.request.clientId);
      const left = missing.length + unanswered.length + unreported.length + unfired.length + disconnected.length;
      if (left > 0)
        throw new Error(
          `${missing.length} inbound not at the admin, ${unanswered.length} sends unanswered, ` +
            `${unreported.length} sends not reported, ${unfired.length} reminders not fired, ` +
            `${disconnected.length} desktops disconnected`,
        );
      return true;
    },
    { timeoutMs, what: 'every webhook processed, every send reported, every reminder fired' },
  ).catch(async (err: Error) => {
    const why = await explainUnsettled(run.backend, {
      clients: run.clients.map((c) => ({ userId: c.user.id, client: c.client })),
      viewer: { userId: run.ws.admin.id, client: admin },
      unreported: unreportedIds,
      unanswered: unansweredIds,
    });
    throw new Error([err.message, ...why].join('\n'));
  });
  // Then every desktop at the head of its own log.
  await Promise.all(
    run.clients.map(async ({ user, client }) => {
      const log = await readLog(run.cluster.liveUrls()[0], user.token);
      const head = log.length ? log[log.length - 1].seq : 0;
      await eventually(() => client.lastSeq >= head, { timeoutMs, what: `${client.name} at seq ${head}` });
    }),
  );
}

const clientsOf = (run: Run, userId: string) => run.clients.filter((c) => c.user.id === userId).map((c) => c.client);

/**
 * The reminders among a user's nudges. Creating a task nudges its owner too ("New task", also of
 * kind `task`); a reminder is the one whose title says the task is due (nudge-rules.ts).
 */
function reminderNudges(events: SequencedEvent[]): NudgeView[] {
  return events.flatMap((e) =>
    e.event.type === 'nudge' && e.event.nudge.taskId && e.event.nudge.title.startsWith('Task due')
      ? [e.event.nudge]
      : [],
  );
}

/** Everything a run promises, as lists of what broke each promise (all empty: kept). */
export interface Verdict {
  /** Desktops that received a sequence twice, or out of order. */
  duplicatedOrGapped: string[];
  /** Desktops whose events differ from the user's log in the backend. */
  differFromLog: string[];
  /** Webhooks answered 2xx more than once (the sender must never resend after a 2xx). */
  answeredTwice: string[];
  /** Inbound webhooks stored as no message, or as more than one. */
  inboundNotOnce: string[];
  /** Sends that reached the provider more than once. */
  sentTwice: string[];
  /** Sends with no final status (sent, delivered, read or failed) in the log. */
  sendsUnreported: string[];
  /** Reminders that did not fire exactly once for their owner. */
  remindersNotOnce: string[];
  /** Usage figures that differ from what happened. */
  usageWrong: string[];
  /** PostgreSQL only: what the tables themselves say is wrong (postgres-log.ts). */
  postgresLog: string[];
}

export async function verify(run: Run): Promise<Verdict> {
  const url = run.cluster.liveUrls()[0];
  // Starts as the verdict of a run that kept every promise; each check adds what it found broken.
  const v: Verdict = structuredClone(KEPT);
  const logs = new Map<string, SequencedEvent[]>();
  for (const u of [run.ws.admin, ...run.ws.reps]) logs.set(u.id, await readLog(url, u.token));

  for (const { user, client } of run.clients) {
    if (client.duplicates || client.gaps)
      v.duplicatedOrGapped.push(`${client.name}: ${client.duplicates} duplicates, ${client.gaps} gaps`);
    const log = logs.get(user.id)!;
    const mine = client.events();
    const contiguous = log.every((e, i) => e.seq === i + 1);
    if (!contiguous) v.differFromLog.push(`${user.email}: the log itself is not contiguous from 1`);
    // Deep equality, not string equality: a log kept as JSONB returns the same events with keys in another order.
    if (mine.length !== log.length || mine.some((e, i) => !isDeepStrictEqual(e, log[i])))
      v.differFromLog.push(`${client.name}: ${mine.length} events held, ${log.length} in the log`);
  }

  for (const d of run.provider.deliveries.values())
    if (d.accepted !== 1) v.answeredTwice.push(`${d.key}: ${d.accepted}`);

  const adminMessages = [...latestMessages(logs.get(run.ws.admin.id)!).values()];
  const idsByBody = new Map<string, Set<string>>();
  for (const m of adminMessages) {
    const set = idsByBody.get(m.body) ?? new Set<string>();
    set.add(m.id);
    idsByBody.set(m.body, set);
  }
  for (const k of run.inboundKeys) {
    const n = idsByBody.get(k)?.size ?? 0;
    if (n !== 1) v.inboundNotOnce.push(`${k}: ${n} messages`);
  }

  const atProvider = run.provider.sentBodies();
  const byClientId = new Map(adminMessages.filter((m) => m.clientId).map((m) => [m.clientId!, m]));
  let outboundTaken = 0;
  for (const { client } of run.clients)
    for (const s of client.sends.values()) {
      const n = atProvider.get(s.request.body) ?? 0;
      if (n > 1) v.sentTwice.push(`${s.request.clientId}: ${n} times`);
      if (s.rejected) {
        // Refused by the server: reported to the rep, and nothing may have reached the provider.
        if (n > 0) v.sentTwice.push(`${s.request.clientId}: rejected (${s.rejected}) yet at the provider`);
        continue;
      }
      const m = byClientId.get(s.request.clientId);
      if (!m || !FINAL.has(m.status)) v.sendsUnreported.push(`${s.request.clientId}: ${m?.status ?? 'no message'}`);
      if (m && m.status !== 'failed') outboundTaken++;
    }

  for (const t of run.tasks) {
    const n = reminderNudges(logs.get(t.ownerId)!).filter((x) => x.taskId === t.id).length;
    if (n !== 1) v.remindersNotOnce.push(`${t.id}: ${n} nudges`);
  }

  const month = new Date().toISOString().slice(0, 7);
  const report = await apiCall<{
    months: { nudges: { task: number }; whatsapp: { inbound: number; outbound: number } }[];
  }>(url, 'GET', `/reports/usage?range=month&month=${month}`, run.ws.admin.token);
  const m = report.months[0];
  // Task nudges: one when the task was made ("New task"), one when its reminder fired.
  const want = { inbound: run.inboundKeys.length, outbound: outboundTaken, task: 2 * run.tasks.length };
  if (m.whatsapp.inbound !== want.inbound)
    v.usageWrong.push(`whatsapp inbound ${m.whatsapp.inbound}, want ${want.inbound}`);
  if (m.whatsapp.outbound !== want.outbound)
    v.usageWrong.push(`whatsapp outbound ${m.whatsapp.outbound}, want ${want.outbound}`);
  if (m.nudges.task !== want.task) v.usageWrong.push(`task nudges ${m.nudges.task}, want ${want.task}`);
  v.postgresLog = await postgresLogViolations(
    run.backend,
    run.clients.map(({ user, client }) => ({ userId: user.id, name: client.name, lastSeq: client.lastSeq })),
    run.inboundKeys,
  );
  return v;
}

export const KEPT: Verdict = {
  duplicatedOrGapped: [],
  differFromLog: [],
  answeredTwice: [],
  inboundNotOnce: [],
  sentTwice: [],
  sendsUnreported: [],
  remindersNotOnce: [],
  usageWrong: [],
  postgresLog: [],
};
