// The Converse server: storage, auth, the HTTP API, the WebSocket gateway, the send pipeline,
// the channel sink and the providers' webhooks, wired together in one place.
import path from 'node:path';
import Fastify from 'fastify';
import type { Channel } from '../shared/domain';
import { deploymentFrom, joinCluster, openDeploymentStore, sessionHooks, type DeploymentSettings } from './deployment';
import type { Store } from './storage/store';
import { Sessions } from './auth/sessions';
import { Hub } from './stream/hub';
import { StreamGateway } from './stream/gateway';
import { Publisher } from './domain/publisher';
import { Workspace } from './domain/workspace';
import { SendPipeline, type ConnectorSet } from './messaging/send-pipeline';
import { ServerChannelSink, type InboundStep } from './messaging/channel-sink';
import { AttachmentFiles } from './attachments/files';
import { SandboxConnector } from './channels/sandbox';
import type { Connector } from './channels/connector';
import { createConnectors, readChannelSettings, registerWebhookRoutes, type ChannelConnectors } from './channels/index';
import { installErrorHandler } from './http/errors';
import { userRoutes } from './http/routes-user';
import { attachmentRoutes } from './http/routes-attachments';
import { adminRoutes } from './http/routes-admin';
import type { ApiContext } from './http/context';
import { seedDemo } from './demo/seed';
import {
  effectiveEnv,
  logLevelFrom,
  msSetting,
  NODE_LEASES,
  nodeIdFrom,
  portFrom,
  uploadRulesFrom,
  type LogLevel,
  type NodeLeases,
} from './settings';
import { SettingsError } from './settings';
import { isTimeZone } from './reports/usage-month';
import { createReminderScheduler, systemClock, type SchedulerClock } from './nudges/reminder-scheduler';
import { fireTaskReminder } from './nudges/task-reminders';
import { registerEventsRoute } from './http/routes-events';
import { readinessRoute } from './http/routes-ready';
import { crmEventHandlers } from './nudges/crm-events';
import { ensureWorkspaceApiKey } from './auth/api-keys';
import { loggerOptions, RequestLog, serverLog, type LogDestination } from './log';
import { startUploadSweep, type UploadRules } from './attachments/unsent-uploads';
import type { SignInLimitOptions } from './auth/sign-in-limits';

export interface StartOptions {
  host?: string;
  port?: number;
  dataDir: string;
  demo?: boolean;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /**
   * The log level (pino JSON lines on stdout); default CONVERSE_LOG_LEVEL, else info. false:
   * silent (the test helpers), true: info.
   */
  log?: boolean | LogLevel;
  /** Where log lines go instead of stdout (tests capture them). */
  logDestination?: LogDestination;
  /** Tuning of the sign-in limits (tests: a wait that returns at once). */
  signInLimits?: Partial<Omit<SignInLimitOptions, 'now'>>;
  /** The better-sqlite3 native module to load (the Electron shell's Electron-ABI build); unset: node_modules'. */
  sqliteBinding?: string;
  /** Tuning for tests and benchmarks. */
  stream?: {
    heartbeatMs?: number;
    helloTimeoutMs?: number;
    maxBufferedBytes?: number;
    slowConsumerMs?: number;
    maxBadFrames?: number;
  };
  retryDelaysMs?: number[];
  /** Fault injection (tests): called after each step of an inbound message or a CRM event; a throw stops processing there, as a crash would. */
  checkpoints?: { inbound?: (step: InboundStep) => void; crmEvent?: (step: 'claimed') => void };
  /** Waits between download retries of inbound media (tests); default MEDIA_RETRY_DELAYS_MS. */
  mediaRetryDelaysMs?: number[];
  /** The task-reminder scheduler's clock (tests); default: `now` with real timers. */
  reminderClock?: SchedulerClock;
  /** This node's id among the nodes sharing the database (the owner of its leases); default CONVERSE_NODE_ID, else 'local'. */
  nodeId?: string;
  /** Lease lengths and how often this node renews and sweeps (tests, the cluster's kill test); default NODE_LEASES. */
  leases?: Partial<NodeLeases>;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /**
   * Leave the cluster in good order (SIGTERM): GET /api/v1/ready answers 503 at once, every stream
   * is closed with 1001 "going away" (its desktop reconnects, to another node), new streams are
   * refused, then after `graceMs` (a load balancer's time to see the 503) in-flight work finishes
   * and the server closes.
   */
  drain(graceMs?: number): Promise<void>;
  /** For the CLI, tests and benchmarks in this process. */
  internals: {
    nodeId: string;
    store: Store;
    sink: ServerChannelSink;
    workspace: Workspace;
    connectors: ConnectorSet;
    sandbox: { sms: SandboxConnector | null; whatsapp: SandboxConnector | null };
    gateway: StreamGateway;
    /** Resolves when webhooks answered so far, and those the start-up sweep took, are processed. */
    webhooksIdle(): Promise<void>;
    /** One webhook sweep now (what the timer does): claims and processes webhooks nobody holds; resolves to how many. */
    sweepWebhooks(): Promise<number>;
    /** One send sweep now (what the timer does): fails sends whose lease ran out; resolves to how many. */
    sweepSends(): Promise<number>;
    /** Renews this node's leases on the sends under way (what the timer does); resolves to how many. */
    renewSendLeases(): Promise<number>;
    /** Fires the task reminders due now; resolves to how many fired. */
    runDueReminders(): Promise<number>;
    /** Deletes the unsent uploads that have expired now; resolves to how many went. */
    sweepUploads(): Promise<number>;
  };
  /** The workspace API key for POST /api/v1/events when this start made one (first start), to be shown once; else null. */
  createdApiKey: string | null;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const env = effectiveEnv(opts.env ?? process.env, opts.dataDir);
  const now = opts.now ?? (() => new Date());
  const host = opts.host ?? env.CONVERSE_HOST ?? '127.0.0.1';
  const port = opts.port ?? portFrom(env.CONVERSE_PORT);

  // Settings first: a bad setting fails start-up with its name before anything is opened.
  const channelSettings = readChannelSettings(env);
  const timeZone = env.CONVERSE_TIME_ZONE?.trim();
  if (timeZone && !isTimeZone(timeZone))
    throw new SettingsError(
      `CONVERSE_TIME_ZONE is "${timeZone}"; it must be an IANA time zone such as "America/New_York".`,
    );
  const logLevel: LogLevel =
    opts.log === false ? 'silent' : opts.log === true ? 'info' : (opts.log ?? logLevelFrom(env.CONVERSE_LOG_LEVEL));
  const uploads = uploadRulesFrom(env);
  const nodeId = nodeIdFrom(opts.nodeId ?? env.CONVERSE_NODE_ID);
  const deployment = deploymentFrom(env);
  const store = await openDeploymentStore(env, {
    dataDir: opts.dataDir,
    sqliteBinding: opts.sqliteBinding,
    log: (m) => console.error(m),
  });
  try {
    return await assemble(opts, env, now, host, port, store, channelSettings, logLevel, uploads, nodeId, deployment);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

async function assemble(
  opts: StartOptions,
  env: Record<string, string | undefined>,
  now: () => Date,
  host: string,
  port: number,
  store: Store,
  channelSettings: ReturnType<typeof readChannelSettings>,
  logLevel: LogLevel,
  uploads: UploadRules,
  nodeId: string,
  deployment: DeploymentSettings,
): Promise<RunningServer> {
  // The logger comes first: everything below reports its background failures through it.
  const app = Fastify({
    logger: loggerOptions(logLevel, opts.logDestination),
    logController: new RequestLog(),
    bodyLimit: 1024 * 1024,
  });
  const log = serverLog(app);
  const leases: NodeLeases = { ...NODE_LEASES, ...opts.leases };
  const hub = new Hub();
  const cluster = await joinCluster(deployment, { nodeId, hub, store, log });
  const publisher = new Publisher(store, cluster?.delivery ?? hub, now);
  const files = new AttachmentFiles(path.join(opts.dataDir, 'attachments'));

  // Connectors and sink refer to each other (a sandbox reports statuses to the sink; the sink asks
  // for business numbers): the sink sees the connector set through this late-bound view.
  let connectors: ChannelConnectors | null = null;
  const connectorSet: ConnectorSet = {
    forChannel: (c: Channel) => connectors?.forChannel(c) ?? null,
    all: () => connectors?.all() ?? [],
  };
  // Background failures (a status or send that could not be stored) are reported, never thrown.
  const report = (message: string) => log.error(message);
  const sink = new ServerChannelSink({
    store,
    publisher,
    connectors: connectorSet,
    files,
    now,
    onError: report,
    checkpoint: opts.checkpoints?.inbound,
    mediaRetryDelaysMs: opts.mediaRetryDelaysMs,
    node: { id: nodeId, webhookLeaseMs: leases.webhookMs },
  });

  const sandbox: { sms: SandboxConnector | null; whatsapp: SandboxConnector | null } = { sms: null, whatsapp: null };
  const autoReply = msSetting(env.SANDBOX_AUTO_REPLY, opts.demo ? 2500 : null);
  const makeSandbox = (channel: Channel): Connector => {
    const c = new SandboxConnector(channel, {
      sink: () => sink,
      now,
      sentAfterMs: Number(env.SANDBOX_SENT_MS ?? 300),
      deliveredAfterMs: Number(env.SANDBOX_DELIVERED_MS ?? 900),
      autoReplyAfterMs: autoReply,
    });
    sandbox[channel] = c;
    return c;
  };
  connectors = createConnectors(channelSettings, {
    sandbox: { sms: () => makeSandbox('sms'), whatsapp: () => makeSandbox('whatsapp') },
  });

  const sessions = new Sessions(store, now);
  const sends = new SendPipeline({
    store,
    publisher,
    connectors: connectorSet,
    now,
    retryDelaysMs: opts.retryDelaysMs,
    onError: report,
    node: {
      id: nodeId,
      sendLeaseMs: leases.sendMs,
      renewEveryMs: leases.sendRenewEveryMs,
      sweepEveryMs: leases.sendSweepEveryMs,
    },
  });
  // Task reminders: rows in the database, fired by this scheduler (started after listen).
  const reminders = createReminderScheduler({
    store: store.reminders,
    clock: opts.reminderClock ?? { ...systemClock, now },
    fire: fireTaskReminder({ store, publisher }),
    onError: (err, r) => report(`task reminder${r ? ` ${r.taskId}` : 's'}: ${(err as Error).message}`),
  });
  const workspace = new Workspace(store, publisher, now, reminders);
  const { revokeSessions, signInLimits } = sessionHooks(cluster, hub, opts.signInLimits);
  workspace.onSessionsRevoked = revokeSessions;

  const timeZone = env.CONVERSE_TIME_ZONE?.trim(); // validated in startServer
  if (timeZone) await store.setWorkspaceTimeZone(timeZone);
  const { createdKey } = await ensureWorkspaceApiKey(store, env.CONVERSE_EVENTS_API_KEY, now());
  if (opts.demo && (await store.isEmpty())) await seedDemo({ store, publisher, workspace, now, files });
  await sends.failInterrupted();

  installErrorHandler(app);
  let draining = false;
  readinessRoute(app, { draining: () => draining, storeAnswers: () => store.workspaceTimeZone() });
  const ctx: ApiContext = {
    store,
    sessions,
    publisher,
    workspace,
    sends,
    files,
    connectors: connectorSet,
    sandbox,
    now,
    revokeSessions,
    signInLimits,
    uploads,
    fetchInboundMedia: (id: string) => sink.fetchMediaNow(id),
  };
  await app.register(
    async (api) => {
      userRoutes(api, ctx);
      attachmentRoutes(api, ctx);
      adminRoutes(api, ctx);
    },
    { prefix: '/api/v1' },
  );
  // POST /api/v1/events: other systems' lead, task and activity events, with the workspace API key.
  await registerEventsRoute(app, {
    apiKeyHashes: () => store.apiKeyHashes(),
    ...crmEventHandlers({ store, workspace, publisher, now, checkpoint: opts.checkpoints?.crmEvent }),
  });

  // Providers' webhooks: verify → sink.saveWebhook (durable) → 2xx → process.
  const webhookDeps = { sink, settings: channelSettings, connectors, now, log };
  const webhooks = registerWebhookRoutes(app, webhookDeps);

  const gateway = new StreamGateway({
    store,
    sessions,
    hub,
    sends,
    publisher,
    now,
    log: (m) => app.log.error(m),
    ...opts.stream,
  });
  gateway.attach(app.server);
  // Uploads no message took are deleted after the expiry; the sweep runs every quarter of it (at most hourly).
  const uploadSweep = startUploadSweep({
    store,
    files,
    rules: uploads,
    now,
    everyMs: Math.min(3_600_000, uploads.expireAfterMs / 4),
    onError: (err) => log.error(`upload sweep: ${(err as Error).message}`),
    onSwept: (n) =>
      log.info(
        `upload sweep: ${n} unsent upload(s) older than ${Math.round(uploads.expireAfterMs / 3_600_000)} h deleted`,
      ),
  });

  try {
    await app.listen({ host, port });
  } catch (err) {
    await gateway.close();
    await app.close();
    await connectors.close();
    // Keep the error's code: a caller that wants another port when this one is taken (the
    // Electron shell's embedded server) tells EADDRINUSE from every other failure by it.
    throw Object.assign(new Error(`Cannot listen on ${host}:${port}: ${(err as Error).message}`, { cause: err }), {
      code: (err as NodeJS.ErrnoException).code,
    });
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  // Reminders that fell due while the server was down fire now, once.
  await reminders.start();
  uploadSweep.start();
  sends.startLeaseTimers();
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await reminders.stop();
      await uploadSweep.stop();
      await webhooks.stopSweeps();
      await gateway.close();
      await app.close();
      await sends.close();
      await webhooks.idle().catch(() => undefined);
      await sink.close();
      await connectors?.close();
      await sink.settled();
      await cluster?.close();
      await store.close();
    })();
    return closing;
  };
  // Inbound messages stored before a stop get their outcome first; then the webhook sweep starts:
  // webhooks nobody holds (answered before a stop, or by a node that died) are processed.
  const backgroundStart = sink
    .resume()
    .catch((err: Error) => log.error(`inbound outcomes: ${err.message}`))
    .then(() => {
      if (!closing) webhooks.startSweeps(leases.webhookSweepEveryMs, leases.webhookRenewEveryMs);
    });

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    port: boundPort,
    internals: {
      nodeId,
      store,
      sink,
      workspace,
      connectors: connectorSet,
      sandbox,
      gateway,
      webhooksIdle: () => backgroundStart.then(() => webhooks.idle()),
      sweepWebhooks: () => webhooks.sweep(),
      sweepSends: () => sends.sweepInterrupted(),
      renewSendLeases: () => sends.renewLeases(),
      runDueReminders: () => reminders.runDue(),
      sweepUploads: () => uploadSweep.runOnce(),
    },
    createdApiKey: createdKey,
    async drain(graceMs = 0) {
      draining = true;
      await gateway.close();
      if (graceMs > 0) await new Promise((r) => setTimeout(r, graceMs));
      await close();
    },
    close,
  };
}
