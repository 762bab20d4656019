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
import { ServerChannelSink } from './messaging/channel-sink';
import { AttachmentFiles } from './attachments/files';
import { SandboxConnector } from './channels/sandbox';
import type { Connector } from './channels/connector';
import { createConnectors, readChannelSettings, registerWebhookRoutes, processPendingWebhooks, type ChannelConnectors } from './channels/index';
import { installErrorHandler } from './http/errors';
import { userRoutes } from './http/routes-user';
import { attachmentRoutes } from './http/routes-attachments';
import { adminRoutes } from './http/routes-admin';
import type { ApiContext } from './http/context';
import { seedDemo } from './demo/seed';
import { effectiveEnv, msSetting, portFrom } from './settings';
import { CloseCode } from '../shared/stream-protocol';
import { SettingsError } from './settings';
import { isTimeZone } from './reports/usage-month';
import { createReminderScheduler, systemClock, type SchedulerClock } from './nudges/reminder-scheduler';
import { fireTaskReminder } from './nudges/task-reminders';
import { registerEventsRoute } from './nudges/events-api';
import { crmEventHandlers } from './nudges/crm-events';
import { ensureWorkspaceApiKey } from './nudges/api-keys';

export interface StartOptions {
  host?: string;
  port?: number;
  dataDir: string;
  demo?: boolean;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  log?: boolean;
  /** Tuning for tests and benchmarks. */
  stream?: { heartbeatMs?: number; helloTimeoutMs?: number; maxBufferedBytes?: number; slowConsumerMs?: number; maxBadFrames?: number };
  retryDelaysMs?: number[];
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
  if (timeZone && !isTimeZone(timeZone)) throw new SettingsError(`CONVERSE_TIME_ZONE is "${timeZone}"; it must be an IANA time zone such as "America/New_York".`);
  const store = new SqliteStore(path.join(opts.dataDir, 'converse.db'));
  try {
    return await assemble(opts, env, now, host, port, store, channelSettings);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

async function assemble(
  opts: StartOptions, env: Record<string, string | undefined>, now: () => Date, host: string, port: number,
  store: SqliteStore, channelSettings: ReturnType<typeof readChannelSettings>,
): Promise<RunningServer> {
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
  const report = (message: string) => console.error(`converse server: ${message}`);
  const sink = new ServerChannelSink({ store, publisher, connectors: connectorSet, files, now, onError: report });

  const sandbox: { sms: SandboxConnector | null; whatsapp: SandboxConnector | null } = { sms: null, whatsapp: null };
  const autoReply = msSetting(env.SANDBOX_AUTO_REPLY, opts.demo ? 2500 : null);
  const makeSandbox = (channel: Channel): Connector => {
    const c = new SandboxConnector(channel, {
      sink: () => sink, now,
      sentAfterMs: Number(env.SANDBOX_SENT_MS ?? 300), deliveredAfterMs: Number(env.SANDBOX_DELIVERED_MS ?? 900),
      autoReplyAfterMs: autoReply,
    });
    sandbox[channel] = c;
    return c;
  };
  connectors = createConnectors(channelSettings, { sandbox: { sms: () => makeSandbox('sms'), whatsapp: () => makeSandbox('whatsapp') } });

  const sessions = new Sessions(store, now);
  const sends = new SendPipeline({ store, publisher, connectors: connectorSet, now, retryDelaysMs: opts.retryDelaysMs, onError: report });
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
  const revokeSessions = (ids: string[]) => hub.closeSessions(new Set(ids), CloseCode.SESSION_REVOKED, 'This session was signed out.');
  workspace.onSessionsRevoked = revokeSessions;

  const timeZone = env.CONVERSE_TIME_ZONE?.trim(); // validated in startServer
  if (timeZone) await store.setWorkspaceTimeZone(timeZone);
  const { createdKey } = await ensureWorkspaceApiKey(store, env.CONVERSE_EVENTS_API_KEY, now());
  if (opts.demo && (await store.isEmpty())) await seedDemo({ store, publisher, workspace, now });
  await sends.failInterrupted();

  const app = Fastify({
    // Request logs carry method, URL and status only; Authorization headers are redacted anyway.
    logger: opts.log ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    bodyLimit: 1024 * 1024,
  });
  installErrorHandler(app);
  const ctx: ApiContext = { store, sessions, publisher, workspace, sends, files, connectors: connectorSet, sandbox, now, revokeSessions };
  await app.register(async (api) => {
    userRoutes(api, ctx);
    attachmentRoutes(api, ctx);
    adminRoutes(api, ctx);
  }, { prefix: '/api/v1' });
  // POST /api/v1/events: other systems' lead, task and activity events, with the workspace API key.
  await registerEventsRoute(app, { apiKeyHashes: () => store.apiKeyHashes(), ...crmEventHandlers({ store, workspace, publisher, now }) });

  // Providers' webhooks: verify → sink.saveWebhook (durable) → 2xx → process.
  const webhookDeps = { sink, settings: channelSettings, connectors, now, log: { warn: (m: string) => app.log.warn(m) } };
  const webhooks = registerWebhookRoutes(app, webhookDeps);

  const gateway = new StreamGateway({ store, sessions, hub, sends, publisher, now, ...opts.stream });
  gateway.attach(app.server);

  try {
    await app.listen({ host, port });
  } catch (err) {
    await gateway.close();
    await app.close();
    await connectors.close();
    throw new Error(`Cannot listen on ${host}:${port}: ${(err as Error).message}`);
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  // Webhooks answered before a crash but not processed are processed now.
  // Reminders that fell due while the server was down fire now, once.
  reminders.start();
  void processPendingWebhooks(webhookDeps).catch((err: Error) => app.log.error(`pending webhooks: ${err.message}`));

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    port: boundPort,
    internals: { store, sink, workspace, connectors: connectorSet, sandbox, gateway, webhooksIdle: () => webhooks.idle(), runDueReminders: () => reminders.runDue() },
    createdApiKey: createdKey,
    close() {
      closing ??= (async () => {
        reminders.stop();
        await Promise.allSettled([...firing]);
        await gateway.close();
        await app.close();
        await sends.close();
        await webhooks.idle().catch(() => undefined);
        await connectors?.close();
        await sink.settled();
        await store.close();
      })();
      return closing;
    },
  };
}
