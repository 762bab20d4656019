// The desktop core's lifecycle and wiring: the local store, sync, outbox, unread counts and
// nudges, and what follows each committed batch. Each job with a state of its own lives beside
// it: the link to the server and its frames (server-link.ts), the session (session-owner.ts),
// nudges and their replay guard (desktop-nudges.ts), a damaged store's recovery
// (store-recovery.ts), events (core-events.ts). The renderer's calls
// (ipc-calls.ts) see it only through CallContext (call-context.ts).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { MessageView, NudgeView, UserView } from '../../shared/domain';
import type { ConnectionState, IpcEventName, IpcEventPayload, Session, Settings } from '../../shared/ipc';
import type { CredentialStore, Notifier, NudgeResult, ShellPort } from './ports';
import type { CallContext } from './call-context';
import type { ClientFrame } from '../../shared/stream-protocol';
import { LocalStore } from './store/local-store';
import { DEVICE_KEY, StoreRecovery } from './store-recovery';
import { connectionStateOf } from './connection';
import { ServerLink } from './server-link';
import { SyncEngine } from './sync';
import { Outbox, waitingFileMessageId } from './outbox';
import { UnreadCounts } from './unread';
import { DesktopNudges } from './desktop-nudges';
import { loadSettings } from './settings';
import type { HttpApi } from './http-api';
import { SessionOwner, type ActiveSession } from './session-owner';
import type { BatchOutcome } from './store/local-store';
import { AttachmentCache, type AttachmentFile } from './attachment-cache';
import { CoreLog, logLevelFrom, type LogLine } from './log';
import { CoreEvents } from './core-events';

export interface DesktopCoreOptions {
  dataDir: string;
  notifier: Notifier;
  credentials: CredentialStore;
  shell: ShellPort;
  defaultServerUrl?: string;
  /** The better-sqlite3 native module for every connection the core opens (the Electron shell's
   * Electron-ABI build); unset: the one in node_modules. */
  sqliteBinding?: string;
  now?: () => Date;
  /** Diagnostics, besides the log file; stderr too when CONVERSE_DEBUG is set. */
  log?: (line: string) => void;
  /** The log file, when the shell writes its own lines to the same one; default: <data dir>/logs/converse.log. */
  logFile?: CoreLog;
  /** Tests shorten these. */
  tuning?: {
    coalesceWindowMs?: number;
    syncChunkSize?: number;
    inlineWriter?: boolean;
    heartbeatMs?: number;
    heartbeatTimeoutMs?: number;
    backoff?: { baseMs: number; maxMs: number };
    random?: () => number;
  };
  /** Every nudge attempt's outcome (diagnostics, tests). */
  onNudgeResult?: (nudge: NudgeView, result: NudgeResult) => void;
}

/** Messages read back for a watched conversation a batch could not list (at most one batch's worth shows). */
const STALE_VIEWS_PAGE = 100;

export class CoreState implements CallContext {
  // Replaced together when a damaged store is set aside (attachStore); read through the getters below.
  private current!: LocalStore;
  private sync!: SyncEngine;
  private sends!: Outbox;
  private counts!: UnreadCounts;
  private readonly nudges: DesktopNudges;
  private readonly sessions: SessionOwner;
  private readonly server: ServerLink;
  private focus = { conversationId: null as string | null, windowFocused: false };
  private deviceId = '';
  private running = false;
  readonly uploads = new Map<string, AbortController>();
  /** Files fetched for previews (bounded; cleared when the session changes). */
  private readonly attachments = new AttachmentCache();
  private readonly events: CoreEvents;
  private readonly recovery: StoreRecovery;
  private readonly now: () => Date;
  /** Every diagnostic goes here: the log file, and the shell's own log when it gave one. */
  readonly log: LogLine;
  private readonly logFile: CoreLog;
  private readonly dbFile: string;

  constructor(private readonly o: DesktopCoreOptions) {
    this.now = o.now ?? (() => new Date());
    this.logFile =
      o.logFile ??
      new CoreLog({
        dir: path.join(o.dataDir, 'logs'),
        level: process.env.CONVERSE_DEBUG ? 'debug' : logLevelFrom(process.env.CONVERSE_LOG_LEVEL),
        now: this.now,
      });
    this.log = (line, level = 'info') => {
      this.logFile.write(level, line);
      if (o.log) o.log(line);
      else if (process.env.CONVERSE_DEBUG) process.stderr.write(`${line}\n`);
    };
    this.dbFile = path.join(o.dataDir, 'converse.db');
    this.events = new CoreEvents(this.log);
    this.sessions = new SessionOwner({
      credentials: o.credentials,
      defaultServerUrl: o.defaultServerUrl,
      log: this.log,
      store: () => this.store,
      exclusive: (change) => this.sync.exclusive(change),
      emit: (event, payload) => this.emit(event, payload),
      closeLink: () => this.server.close(),
      openLink: () => this.server.open(),
      forget: ({ nudges }) => {
        this.attachments.clear();
        if (nudges) this.nudges.cancel();
      },
      wiped: () => {
        this.unread.reload();
        this.emit('conversations.changed', { conversationIds: [] });
      },
      ended: (message) => this.server.set({ status: 'signed-out', reason: message }),
      outboxRestored: () => this.publishLink(),
      startedOver: () => {
        this.unread.reload();
        this.server.wake('another user');
      },
    });
    this.recovery = new StoreRecovery({
      dbFile: this.dbFile,
      now: this.now,
      sqliteBinding: o.sqliteBinding,
      log: this.log,
      current: () => ({ store: this.store, sync: this.sync }),
      running: () => this.running,
      deviceId: () => this.deviceId,
      replaced: (store, movedTo) => this.storeReplaced(store, movedTo),
      retryLater: (reason) => this.server.reconnectLater(reason),
    });
    this.server = new ServerLink({
      session: () => this.session,
      deviceId: () => this.deviceId,
      store: () => this.store,
      sync: () => this.sync,
      outbox: () => this.sends,
      welcomed: (userId) => this.sessions.welcomed(userId),
      connected: () => void this.nudges.connected(),
      sessionExpired: (message) => void this.endSession('expired', message),
      changed: () => this.publishLink(),
      tuning: o.tuning,
      log: this.log,
    });
    this.nudges = new DesktopNudges({
      notifier: o.notifier,
      now: this.now,
      log: this.log,
      store: () => this.store,
      session: () => this.session,
      api: () => this.api(),
      focus: () => this.focus,
      emit: (event, payload) => this.emit(event, payload),
      showWindow: () => o.shell.showWindow(),
      onResult: o.onNudgeResult,
      coalesceWindowMs: o.tuning?.coalesceWindowMs,
    });
  }

  get store(): LocalStore {
    return this.current;
  }
  get outbox(): Outbox {
    return this.sends;
  }
  get unread(): UnreadCounts {
    return this.counts;
  }
  get started(): boolean {
    return this.running;
  }
  get shell(): ShellPort {
    return this.o.shell;
  }

  // ---- events -------------------------------------------------------------------------

  on<N extends IpcEventName>(event: N, listener: (payload: IpcEventPayload<N>) => void): () => void {
    return this.events.on(event, listener);
  }

  emit<N extends IpcEventName>(event: N, payload: IpcEventPayload<N>): void {
    this.events.emit(event, payload);
  }

  // ---- lifecycle ----------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.started) return;
    const store = LocalStore.open(this.dbFile, this.now, { nativeBinding: this.o.sqliteBinding });
    this.attachStore(store);
    this.deviceId = store.state.setting<string>(DEVICE_KEY) ?? randomUUID();
    store.state.setSetting(DEVICE_KEY, this.deviceId);
    this.running = true;
    if (store.recoveredFrom) this.announceRecovery(store.recoveredFrom);
    const saved = await this.o.credentials.load().catch((err) => {
      this.log(`[core] credentials unreadable: ${(err as Error).message}`, 'warn');
      return null;
    });
    if (saved) {
      this.sessions.resume(saved);
    } else {
      this.server.set({ status: 'offline', retryAt: null, reason: 'not signed in' });
    }
    this.unread.reload();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.running = false;
    this.server.stop();
    this.nudges.cancel();
    for (const c of this.uploads.values()) c.abort();
    this.uploads.clear();
    this.unread.stop();
    // The writer finishes the transaction it is in; anything after it is replayed next start.
    await this.sync.close();
    this.store.close();
    this.log('[core] stopped');
    this.logFile.close();
  }

  private attachStore(store: LocalStore): void {
    this.current = store;
    this.sync = new SyncEngine({
      file: store.file,
      maxBatchEvents: this.o.tuning?.syncChunkSize,
      inlineWriter: this.o.tuning?.inlineWriter,
      sqliteBinding: this.o.sqliteBinding,
      // A recovered store's new engine goes on handing back what the windows show.
      watched: this.sync?.watchedConversations,
      ack: (seq, link) => {
        this.server.send({ type: 'ack', seq }, link);
      },
      isLive: (link) => this.server.isLive(link),
      onApplied: (outcome) => this.afterBatch(outcome),
      onError: (err) => this.recovery.onStoreError(err),
      pause: () => this.server.pause(),
      resume: () => this.server.resume(),
      log: this.log,
    });
    this.sends = new Outbox({
      store,
      sendFrame: (frame) => this.server.send(frame),
      now: this.now,
      authorUserId: () => this.session?.user?.id ?? null,
      onMessages: (conversationId, messages) => {
        this.emit('messages.changed', { conversationId, messages });
        this.emit('conversations.changed', { conversationIds: [conversationId] });
      },
      onSizeChanged: () => this.publishLink(),
      upload: (channel, fileName, mimeType, bytes) =>
        this.api().upload(channel, fileName, mimeType, bytes, () => undefined, new AbortController().signal),
      linkUp: () => this.server.status.status === 'connected' && this.session !== null,
      log: this.log,
    });
    this.counts = new UnreadCounts({
      store,
      onChanged: (u) => {
        this.o.shell.setUnreadCount(u.total);
        this.emit('unread.changed', u);
      },
    });
  }

  private announceRecovery(movedTo: string): void {
    const message = `The local database was damaged, so it was set aside (${path.basename(movedTo)}) and your conversations are being downloaded again from the server.`;
    this.log(`[store] ${message}`, 'error');
    // Emitted once start() has returned, so a shell that subscribes right after start still hears it.
    setImmediate(() => this.emit('notice', { kind: 'database-recovered', message }));
  }

  /** The damaged store is set aside; the fresh one is filled again from the server. */
  private storeReplaced(store: LocalStore, movedTo: string): void {
    this.attachStore(store);
    this.announceRecovery(movedTo);
    this.unread.reload();
    this.server.wake('database recovered');
  }

  // ---- session ---------------------------------------------------------------

  // The session is the SessionOwner's; these answer the renderer's calls (CallContext).
  private get session(): ActiveSession | null {
    return this.sessions.current;
  }
  sessionView(): Session {
    return this.sessions.view();
  }
  signedIn(): boolean {
    return this.session !== null;
  }
  api(): HttpApi {
    return this.sessions.api();
  }
  beginSession(serverUrl: string, token: string, user: UserView): Promise<void> {
    return this.sessions.begin(serverUrl, token, user);
  }
  endSession(reason: 'signed-out' | 'expired', message: string): Promise<void> {
    return this.sessions.end(reason, message);
  }

  /** A file through the server's attachment endpoint with the session's token, from memory when it was fetched lately. */
  fetchAttachment(attachmentId: string, maxBytes = Number.POSITIVE_INFINITY): Promise<AttachmentFile> {
    // A file chosen offline is shown from the outbox until it is uploaded.
    const waitingFor = waitingFileMessageId(attachmentId);
    const waiting = waitingFor ? this.store.state.outboxFile(waitingFor) : null;
    if (waiting)
      return Promise.resolve({ bytes: waiting.bytes, mimeType: waiting.mimeType, fileName: waiting.fileName });
    const api = this.api();
    return this.attachments.getWithin(attachmentId, maxBytes, () => api.download(attachmentId, maxBytes));
  }

  /** What follows a committed batch: the windows shown what changed, counts and the outbox size
   * updated, then the batch's nudges. */
  private afterBatch(outcome: BatchOutcome): void {
    if (!this.started) return;
    this.showMessages(outcome);
    // A listener may have stopped the core (a shell quitting mid-sync).
    if (!this.started) return;
    if (outcome.conversations.size > 0)
      this.emit('conversations.changed', { conversationIds: [...outcome.conversations] });
    this.unread.touch(outcome.unreadTouched);
    if (outcome.outboxResolved > 0) this.publishLink();
    // Before this batch's nudges: a rep who just turned a kind off is not nudged about it.
    if (outcome.nudgeSettings) this.nudges.fromServer(outcome.nudgeSettings);
    if (outcome.nudges.length > 0) this.nudges.offer(outcome.nudges);
  }

  /** The batch's messages to the windows that show them. */
  private showMessages(outcome: BatchOutcome): void {
    for (const [conversationId, messages] of outcome.messages)
      this.emit('messages.changed', { conversationId, messages });
    if (!outcome.messagesWire || !this.events.hasListeners('messages.changed')) return;
    for (const [conversationId, json] of outcome.messagesWire)
      this.emit('messages.changed', { conversationId, messages: JSON.parse(json) as MessageView[] });
    // Opened while the batch was being written: its newest page stands in for the views.
    for (const conversationId of outcome.viewsStale ?? [])
      this.emit('messages.changed', {
        conversationId,
        messages: this.store.messages.page(conversationId, null, STALE_VIEWS_PAGE).messages,
      });
  }

  // ---- state for the renderer and the policy ------------------------------------------

  sendFrame(frame: ClientFrame): boolean {
    return this.server.send(frame);
  }
  watch(conversationId: string): void {
    this.sync.watch(conversationId);
  }
  /** Resume from sleep, a network change: reconnect at once. */
  wake(reason: string): void {
    this.server.wake(reason);
  }
  setFocus(conversationId: string | null, windowFocused: boolean): void {
    this.focus = { conversationId, windowFocused };
  }
  setWindowFocused(windowFocused: boolean): void {
    this.focus = { ...this.focus, windowFocused };
  }
  windowFocused(): boolean {
    return this.focus.windowFocused;
  }
  nudgeSettingsChangedHere(): void {
    this.nudges.changedHere();
  }
  settings(): Settings {
    return loadSettings(this.store);
  }

  connectionState(): ConnectionState {
    return connectionStateOf(this.server.status, this.started ? this.outbox.size : 0);
  }

  private publishLink(): void {
    this.emit('connection.changed', this.connectionState());
  }
}
