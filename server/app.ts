// The Converse server: storage, auth, the HTTP API, the WebSocket gateway, the send pipeline,
// the channel sink and the providers' webhooks, wired together in one place.
import path from 'node:path';
import Fastify from 'fastify';
import type { Channel } from '../shared/domain';
import { SqliteStore } from './storage/sqlite';
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
import {
  createConnectors,
  readChannelSettings,
  registerWebhookRoutes,
  processPendingWebhooks,
  type ChannelConnectors,
} from './channels/index';
import { installErrorHandler } from './http/errors';
import { userRoutes } from './http/routes-user';
import { attachmentRoutes } from './http/routes-attachments';
import { adminRoutes } from './http/routes-admin';
import type { ApiContext } from './http/context';
import { seedDemo } from './demo/seed';
import { effectiveEnv, logLevelFrom, msSetting, portFrom, uploadRulesFrom, type LogLevel } from './settings';
import { CloseCode } from '../shared/stream-protocol';
import { SettingsError } from './settings';
import { isTimeZone } from './reports/usage-month';
import { createReminderScheduler, systemClock, type SchedulerClock } from './nudges/reminder-scheduler';
import { fireTaskReminder } from './nudges/task-reminders';
import { registerEventsRoute } from './http/routes-events';
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
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /** For the CLI, tests and benchmarks in this process. */
  internals: {
    store: Store;
    sink: ServerChannelSink;
    workspace: Workspace;
    connectors: ConnectorSet;
    sandbox: { sms: SandboxConnector | null; whatsapp: SandboxConnector | null };
    gateway: StreamGateway;
    /** Resolves when webhooks answered so far are processed. */
    webhooksIdle(): Promise<void>;
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
  const store = new SqliteStore(path.join(opts.dataDir, 'converse.db'), { nativeBinding: opts.sqliteBinding });
  try {
    return await assemble(opts, env, now, host, port, store, channelSettings, logLevel, uploads);
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
  store: SqliteStore,
  channelSettings: ReturnType<typeof readChannelSettings>,
  logLevel: LogLevel,
  uploads: UploadRules,
): Promise<RunningServer> {
  // The logger comes first: everything below reports its background failures through it.
  const app = Fastify({
    logger: loggerOptions(logLevel, opts.logDestination),
    logController: new RequestLog(),
    bodyLimit: 1024 * 1024,
  });
  const log = serverLog(app);
  const hub = new Hub();
  const publisher = new Publisher(store, hub, now);
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
  });
  // Task reminders: rows in the database, fired by this scheduler (started after listen).
  const firing = new Set<Promise<void>>();
  const fire = fireTaskReminder({ store, publisher });
  const reminders = createReminderScheduler({
    store: store.reminders,
    clock: opts.reminderClock ?? { ...systemClock, now },
    onFire: (r) => {
      const p = fire(r);
      firing.add(p);
      return p.finally(() => firing.delete(p));
    },
    onError: (err, r) => report(`task reminder${r ? ` ${r.taskId}` : 's'}: ${(err as Error).message}`),
  });
  const workspace = new Workspace(store, publisher, now, reminders);
  const revokeSessions = (ids: string[]) =>
    hub.closeSessions(new Set(ids), CloseCode.SESSION_REVOKED, 'This session was signed out.');
  workspace.onSessionsRevoked = revokeSessions;

  const timeZone = env.CONVERSE_TIME_ZONE?.trim(); // validated in startServer
  if (timeZone) await store.setWorkspaceTimeZone(timeZone);
  const { createdKey } = await ensureWorkspaceApiKey(store, env.CONVERSE_EVENTS_API_KEY, now());
  if (opts.demo && (await store.isEmpty())) await seedDemo({ store, publisher, workspace, now, files });
  await sends.failInterrupted();

  installErrorHandler(app);
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
    signInLimits: opts.signInLimits,
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
  // Webhooks answered before a crash but not processed are processed now.
  // Reminders that fell due while the server was down fire now, once.
  reminders.start();
  uploadSweep.start();
  // Inbound messages stored before a stop get their outcome first, then pending webhooks run.
  void sink
    .resume()
    .catch((err: Error) => log.error(`inbound outcomes: ${err.message}`))
    .then(() => processPendingWebhooks(webhookDeps))
    .catch((err: Error) => log.error(`pending webhooks: ${err.message}`));

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    port: boundPort,
    internals: {
      store,
      sink,
      workspace,
      connectors: connectorSet,
      sandbox,
      gateway,
      webhooksIdle: () => webhooks.idle(),
      runDueReminders: () => reminders.runDue(),
      sweepUploads: () => uploadSweep.runOnce(),
    },
    createdApiKey: createdKey,
    close() {
      closing ??= (async () => {
        reminders.stop();
        await uploadSweep.stop();
        await Promise.allSettled([...firing]);
        await gateway.close();
        await app.close();
        await sends.close();
        await webhooks.idle().catch(() => undefined);
        await sink.close();
        await connectors?.close();
        await sink.settled();
        await store.close();
      })();
      return closing;
    },
  };
}
