// The desktop core's lifecycle and wiring: the local store, the session, the link to the
// server and what follows each frame (sync, outbox, unread counts, nudges). The renderer's
// calls are answered in ipc-calls.ts; this file owns the state they read.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { MessageView, NudgeView, UserView } from '../../shared/domain';
import { IpcEvents, type ConnectionState, type IpcEventName, type IpcEventPayload, type Session, type Settings } from '../../shared/ipc';
import type { CredentialStore, Notifier, NudgeResult, ShellPort } from './ports';
import { LocalStore } from './store/local-store';
import { isCorruptionError, moveAside } from './store/open-database';
import { Connection, type IncomingFrame, type LinkStatus } from './connection';
import { SyncEngine } from './sync';
import { Outbox, waitingFileMessageId } from './outbox';
import { UnreadCounts } from './unread';
import { NudgeCoordinator } from './nudges';
import { STALE_AFTER_MS, wantsSound, type NudgeContext } from './nudge-policy';
import { NudgeSettingsSync } from './nudge-settings-sync';
import { loadSettings } from './settings';
import { HttpApi } from './http-api';
import { serverKey, type BatchOutcome } from './store/local-store';
import { AttachmentCache, type AttachmentFile } from './attachment-cache';
import { CoreLog, logLevelFrom, type LogLine } from './log';

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
  tuning?: { coalesceWindowMs?: number; syncChunkSize?: number; inlineWriter?: boolean; heartbeatMs?: number; heartbeatTimeoutMs?: number; backoff?: { baseMs: number; maxMs: number }; random?: () => number };
  /** Every nudge attempt's outcome (diagnostics, tests). */
  onNudgeResult?: (nudge: NudgeView, result: NudgeResult) => void;
}

type Listener = (payload: any) => void;

export interface ActiveSession { serverUrl: string; token: string; user: UserView | null }

const USER_KEY = 'session.user';
const DEVICE_KEY = 'device.id';
/** Messages read back for a watched conversation a batch could not list (at most one batch's worth shows). */
const STALE_VIEWS_PAGE = 100;

export class CoreState {
  store!: LocalStore;
  sync!: SyncEngine;
  outbox!: Outbox;
  unread!: UnreadCounts;
  readonly nudges: NudgeCoordinator;
  /** Carter settings: kept on the server, followed here. */
  readonly nudgeSettings: NudgeSettingsSync;
  session: ActiveSession | null = null;
  connection: Connection | null = null;
  link: LinkStatus = { status: 'offline', retryAt: null, reason: 'not signed in' };
  focus = { conversationId: null as string | null, windowFocused: false };
  deviceId = '';
  started = false;
  readonly uploads = new Map<string, AbortController>();
  /** Files fetched for previews (bounded; cleared when the session changes). */
  readonly attachments = new AttachmentCache();
  private readonly listeners = new Map<string, Set<Listener>>();
  readonly now: () => Date;
  /** Every diagnostic goes here: the log file, and the shell's own log when it gave one. */
  readonly log: LogLine;
  readonly logFile: CoreLog;
  private readonly dbFile: string;

  constructor(readonly o: DesktopCoreOptions) {
    this.now = o.now ?? (() => new Date());
    this.logFile = o.logFile ?? new CoreLog({ dir: path.join(o.dataDir, 'logs'), level: process.env.CONVERSE_DEBUG ? 'debug' : logLevelFrom(process.env.CONVERSE_LOG_LEVEL), now: this.now });
    this.log = (line, level = 'info') => {
      this.logFile.write(level, line);
      if (o.log) o.log(line);
      else if (process.env.CONVERSE_DEBUG) process.stderr.write(`${line}\n`);
    };
    this.dbFile = path.join(o.dataDir, 'converse.db');
    this.nudges = new NudgeCoordinator({
      notifier: o.notifier,
      context: () => this.nudgeContext(),
      leadName: (leadId) => {
        const lead = this.store?.leads.get(leadId);
        return lead ? `${lead.firstName} ${lead.lastName}`.trim() : null;
      },
      onClick: (nudge) => {
        o.shell.showWindow();
        this.emit('navigate', { conversationId: nudge.conversationId, leadId: nudge.leadId, taskId: nudge.taskId });
      },
      onResult: (nudge, result) => {
        this.log(`[nudge] ${nudge.id} ${result.status}${'reason' in result ? ` (${result.reason})` : ''}`, result.status === 'failed' ? 'warn' : 'info');
        if (result.status === 'shown' && wantsSound(this.nudgeContext())) this.emit('nudge.sound', { nudgeId: nudge.id });
        o.onNudgeResult?.(nudge, result);
      },
      coalesceWindowMs: o.tuning?.coalesceWindowMs,
    });
    const currentStore = () => this.store;
    this.nudgeSettings = new NudgeSettingsSync({
      // The store is replaced when a damaged one is set aside: always the current one.
      get store() { return currentStore(); },
      signedIn: () => {
        // The rep's id: from sign-in, or (credentials restored at start) as the server's welcome recorded it.
        const userId = this.session ? this.session.user?.id ?? this.store.state.owner().userId : null;
        return userId ? { userId, api: this.api() } : null;
      },
      applied: (settings) => this.emit('settings.changed', settings),
      log: (line, level) => this.log(line, level),
    });
  }

  // ---- events -------------------------------------------------------------------------

  on<N extends IpcEventName>(event: N, listener: (payload: IpcEventPayload<N>) => void): () => void {
    if (!Object.prototype.hasOwnProperty.call(IpcEvents, event)) throw new Error(`Unknown event "${event}".`);
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener);
    this.listeners.set(event, set);
    return () => { set.delete(listener as Listener); };
  }

  hasListeners(event: IpcEventName): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  emit<N extends IpcEventName>(event: N, payload: IpcEventPayload<N>): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    for (const l of [...set]) {
      try { l(payload); } catch (err) { this.log(`[core] a ${event} listener failed: ${(err as Error).message}`, 'error'); }
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.started) return;
    const store = LocalStore.open(this.dbFile, this.now, { nativeBinding: this.o.sqliteBinding });
    this.attachStore(store);
    this.deviceId = store.state.setting<string>(DEVICE_KEY) ?? randomUUID();
    store.state.setSetting(DEVICE_KEY, this.deviceId);
    this.started = true;
    if (store.recoveredFrom) this.announceRecovery(store.recoveredFrom);
    const saved = await this.o.credentials.load().catch((err) => { this.log(`[core] credentials unreadable: ${(err as Error).message}`, 'warn'); return null; });
    if (saved) {
      const owner = store.state.owner();
      if (owner.serverUrl && serverKey(owner.serverUrl) !== serverKey(saved.serverUrl)) store.wipe();
      this.session = { ...saved, user: store.state.setting<UserView>(USER_KEY) ?? null };
      this.openLink();
    } else {
      this.setLink({ status: 'offline', retryAt: null, reason: 'not signed in' });
    }
    this.unread.reload();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.connection?.stop();
    this.connection = null;
    this.nudges.cancel('signed-out');
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
    this.store = store;
    this.sync = new SyncEngine({
      file: store.file,
      maxBatchEvents: this.o.tuning?.syncChunkSize,
      inlineWriter: this.o.tuning?.inlineWriter,
      sqliteBinding: this.o.sqliteBinding,
      // A recovered store's new engine goes on handing back what the windows show.
      watched: this.sync?.watchedConversations,
      ack: (seq, link) => { this.connection?.send({ type: 'ack', seq }, link); },
      isLive: (link) => this.connection?.currentLink === link,
      onApplied: (outcome) => this.afterBatch(outcome),
      onError: (err) => this.onStoreError(err),
      pause: () => this.connection?.pause(),
      resume: () => this.connection?.resume(),
      log: this.log,
    });
    this.outbox = new Outbox({
      store,
      sendFrame: (frame) => this.connection?.send(frame) ?? false,
      now: this.now,
      authorUserId: () => this.session?.user?.id ?? null,
      onMessages: (conversationId, messages) => {
        this.emit('messages.changed', { conversationId, messages });
        this.emit('conversations.changed', { conversationIds: [conversationId] });
      },
      onSizeChanged: () => this.publishLink(),
      upload: (channel, fileName, mimeType, bytes) => this.api().upload(channel, fileName, mimeType, bytes, () => undefined, new AbortController().signal),
      linkUp: () => this.link.status === 'connected' && this.session !== null,
      log: this.log,
    });
    this.unread = new UnreadCounts({
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

  /** A corrupt store found while running: set it aside, start a fresh one, resync from 0. */
  private onStoreError(err: unknown): void {
    if (!isCorruptionError(err)) {
      this.log(`[sync] could not apply events: ${(err as Error).message}`, 'error');
      this.connection?.reconnectLater('the local database refused an update');
      return;
    }
    if (this.recovering) return;
    this.recovering = true;
    // Both connections must be closed before the file can be moved aside.
    const oldSync = this.sync;
    void oldSync.close().then(() => {
      this.recovering = false;
      if (this.started && oldSync === this.sync) this.recoverStore();
    });
  }

  private recovering = false;

  private recoverStore(): void {
    const user = this.store.state.setting<UserView>(USER_KEY);
    let seenNudges: [string, unknown][] = [];
    try { seenNudges = this.store.state.settingsWithPrefix('nudges.offeredUpTo:'); } catch { /* unreadable: the resync may nudge again */ }
    try { this.store.close(); } catch {}
    const movedTo = moveAside(this.dbFile, this.now());
    const store = LocalStore.open(this.dbFile, this.now, { nativeBinding: this.o.sqliteBinding });
    store.state.setSetting(DEVICE_KEY, this.deviceId);
    if (user) store.state.setSetting(USER_KEY, user);
    // What was already offered stays offered: the resync from 0 must not nudge again.
    for (const [key, value] of seenNudges) store.state.setSetting(key, value);
    this.attachStore(store);
    this.announceRecovery(movedTo);
    this.unread.reload();
    this.connection?.wake('database recovered');
  }

  // ---- session and link ---------------------------------------------------------------

  sessionView(): Session {
    return { signedIn: this.session !== null, user: this.session?.user ?? null, serverUrl: this.session?.serverUrl ?? this.o.defaultServerUrl ?? null };
  }

  api(): HttpApi {
    if (!this.session) throw Object.assign(new Error('Sign in to Converse first.'), { code: 'signed_out' });
    return new HttpApi(this.session.serverUrl, this.session.token);
  }

  /** A file through the server's attachment endpoint with the session's token, from memory when it was fetched lately. */
  fetchAttachment(attachmentId: string, maxBytes = Number.POSITIVE_INFINITY): Promise<AttachmentFile> {
    // A file chosen offline is shown from the outbox until it is uploaded.
    const waitingFor = waitingFileMessageId(attachmentId);
    const waiting = waitingFor ? this.store.state.outboxFile(waitingFor) : null;
    if (waiting) return Promise.resolve({ bytes: waiting.bytes, mimeType: waiting.mimeType, fileName: waiting.fileName });
    const api = this.api();
    return this.attachments.get(attachmentId, () => api.download(attachmentId, maxBytes)).then((file) => {
      // A cached file may be larger than this caller accepts (a preview's limit).
      if (file.bytes.byteLength > maxBytes) {
        throw Object.assign(new Error(`This file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, too large to preview; download it instead.`), { code: 'attachment_too_large' });
      }
      return file;
    });
  }

  async beginSession(serverUrl: string, token: string, user: UserView): Promise<void> {
    this.closeLink();
    const owner = this.store.state.owner();
    if ((owner.userId && owner.userId !== user.id) || (owner.serverUrl && serverKey(owner.serverUrl) !== serverKey(serverUrl))) {
      // Another rep's conversations must not show to this one.
      await this.sync.exclusive(() => this.store.wipe());
      this.unread.reload();
      this.emit('conversations.changed', { conversationIds: [] });
    }
    this.attachments.clear();
    this.store.state.setOwner(user.id, serverUrl);
    this.restoreParkedSends(user.id, serverUrl);
    this.store.state.setSetting(USER_KEY, user);
    await this.o.credentials.save({ serverUrl, token });
    this.session = { serverUrl, token, user };
    this.emit('session.changed', this.sessionView());
    this.openLink();
  }

  /** Unsent messages this rep left here before another rep's wipe go back into the outbox. */
  private restoreParkedSends(userId: string, serverUrl: string): void {
    const n = this.store.restoreParked(userId, serverUrl);
    if (n === 0) return;
    this.log(`[outbox] ${n} unsent message(s) of this rep restored to the outbox`);
    this.publishLink();
  }

  async endSession(reason: 'signed-out' | 'expired', message: string): Promise<void> {
    this.closeLink();
    this.session = null;
    this.attachments.clear();
    this.nudges.cancel('signed-out');
    await this.o.credentials.clear().catch((err) => this.log(`[core] could not clear credentials: ${(err as Error).message}`, 'warn'));
    this.setLink({ status: 'signed-out', reason: message });
    this.emit('session.changed', this.sessionView());
    if (reason === 'expired') this.emit('notice', { kind: 'signed-out', message });
  }

  private openLink(): void {
    if (!this.session) return;
    const t = this.o.tuning;
    const conn = new Connection({
      serverUrl: this.session.serverUrl,
      token: this.session.token,
      deviceId: this.deviceId,
      lastSeq: () => this.store.state.committedSeq(),
      onStatus: (s) => {
        if (conn !== this.connection) return;
        if (s.status === 'signed-out') {
          void this.endSession('expired', `Your session ended (${s.reason}). Sign in again to keep receiving messages.`);
          return;
        }
        this.setLink(s);
      },
      onFrame: (frame, link) => this.onFrame(frame, link),
      onDrop: (link) => { this.sync.dropLink(link); this.outbox.linkChanged(); },
      heartbeatMs: t?.heartbeatMs,
      heartbeatTimeoutMs: t?.heartbeatTimeoutMs,
      backoff: t?.backoff,
      random: t?.random,
      log: this.log,
    });
    this.connection = conn;
    conn.start();
  }

  private closeLink(): void {
    const c = this.connection;
    this.connection = null;
    c?.stop();
  }

  private onFrame(frame: IncomingFrame, link: number): void {
    switch (frame.type) {
      case 'welcome': this.onWelcome(frame.userId, frame.headSeq); break;
      case 'events': this.sync.enqueue(frame.events, link); break;
      case 'unparsed': this.sync.enqueueUnparsed(frame.data, link); break;
      case 'send.accepted': this.outbox.accepted(frame.clientId, frame.messageId); break;
      case 'send.rejected':
        this.log(`[outbox] send ${frame.clientId} refused by the server: ${frame.error.code}`, 'warn');
        this.outbox.rejected(frame.clientId, frame.error);
        break;
      case 'error': this.log(`[connection] the server refused a frame: ${frame.code} ${frame.message}`, 'warn'); break;
      case 'pong': break;
    }
  }

  private onWelcome(userId: string, headSeq: number): void {
    const owner = this.store.state.owner();
    if (owner.userId && owner.userId !== userId) {
      // The token belongs to someone else than the data here: start over for this user, once
      // the writer has nothing of the previous link left.
      const serverUrl = this.session!.serverUrl;
      void this.sync.exclusive(() => {
        this.store.wipe();
        this.store.state.setOwner(userId, serverUrl);
        this.restoreParkedSends(userId, serverUrl);
      }).then(() => {
        this.unread.reload();
        this.connection?.wake('another user');
      });
      return;
    }
    if (!owner.userId && this.session) this.store.state.setOwner(userId, this.session.serverUrl);
    if (headSeq < this.store.state.committedSeq()) {
      // The server's log is behind ours (restored from a backup): replay it all; upserts are idempotent.
      this.log(`[sync] server head ${headSeq} is behind our cursor ${this.store.state.committedSeq()}: resyncing from 0`, 'warn');
      void this.sync.exclusive(() => this.store.state.setCommittedSeq(0)).then(() => this.connection?.wake('server log restored'));
      return;
    }
    this.outbox.linkChanged();
    this.outbox.flush();
    void this.nudgeSettings.connected();
    for (const r of this.store.conversations.pendingReads()) {
      if (this.connection?.send({ type: 'read', conversationId: r.conversationId, readUpTo: r.readUpTo })) this.store.conversations.clearPendingRead(r.conversationId, r.readUpTo);
    }
  }

  private afterBatch(outcome: BatchOutcome): void {
    if (!this.started) return;
    for (const [conversationId, messages] of outcome.messages) this.emit('messages.changed', { conversationId, messages });
    if (outcome.messagesWire && this.hasListeners('messages.changed')) {
      for (const [conversationId, json] of outcome.messagesWire) this.emit('messages.changed', { conversationId, messages: JSON.parse(json) as MessageView[] });
      // Opened while the batch was being written: its newest page stands in for the views.
      for (const conversationId of outcome.viewsStale ?? []) this.emit('messages.changed', { conversationId, messages: this.store.messages.page(conversationId, null, STALE_VIEWS_PAGE).messages });
    }
    // A listener may have stopped the core (a shell quitting mid-sync).
    if (!this.started) return;
    if (outcome.conversations.size > 0) this.emit('conversations.changed', { conversationIds: [...outcome.conversations] });
    this.unread.touch(outcome.unreadTouched);
    if (outcome.outboxResolved > 0) this.publishLink();
    // Before this batch's nudges: a rep who just turned a kind off is not nudged about it.
    if (outcome.nudgeSettings) this.nudgeSettings.fromServer(outcome.nudgeSettings);
    if (outcome.nudges.length === 0) return;
    const now = this.now().getTime();
    const seen = this.nudgesSeen();
    let latest = seen;
    for (const { nudge, at } of outcome.nudges) {
      const atMs = Date.parse(at);
      // A replay from sequence 0 (this rep back after another rep's wipe, a recovered store)
      // stores the rep's nudges again; the ones this device already offered stay quiet.
      if (seen && (atMs < seen.atMs || (atMs === seen.atMs && seen.ids.includes(nudge.id)))) continue;
      if (!latest || atMs > latest.atMs) latest = { atMs, ids: [nudge.id] };
      else if (atMs === latest.atMs) latest = { atMs, ids: [...latest.ids, nudge.id] };
      if (now - atMs <= STALE_AFTER_MS) this.emit('nudges.changed', { nudge });
      void this.nudges.offer(nudge, at);
    }
    const key = this.nudgesSeenKey();
    if (key && latest && latest !== seen) this.store.state.setSetting(key, latest);
  }

  /** Settings key of the newest nudge this device offered to the signed-in rep (kept through wipes). */
  private nudgesSeenKey(): string | null {
    const s = this.session;
    return s?.user ? `nudges.offeredUpTo:${s.user.id}@${serverKey(s.serverUrl)}` : null;
  }

  private nudgesSeen(): { atMs: number; ids: string[] } | null {
    const key = this.nudgesSeenKey();
    return key ? this.store.state.setting<{ atMs: number; ids: string[] }>(key) ?? null : null;
  }

  // ---- state for the renderer and the policy ------------------------------------------

  settings(): Settings { return loadSettings(this.store); }

  nudgeContext(): NudgeContext {
    const s = this.settings();
    return {
      now: this.now().getTime(),
      signedIn: this.session !== null,
      doNotDisturb: s.doNotDisturb,
      mutedConversations: new Set(s.mutedConversations),
      focusedConversationId: this.focus.conversationId,
      windowFocused: this.focus.windowFocused,
      nudgeSettings: s.nudges,
      localMinutes: localMinutes(this.now()),
    };
  }

  connectionState(): ConnectionState {
    const l = this.link;
    const outboxSize = this.started ? this.outbox.size : 0;
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    switch (l.status) {
      case 'connected': return { status: 'connected', retryAt: null, reason: null, outboxSize };
      case 'signed-out': return { status: 'signed-out', retryAt: null, reason: l.reason, outboxSize };
      default: return { status: l.status, retryAt: iso(l.retryAt), reason: l.reason, outboxSize };
    }
  }

  private setLink(s: LinkStatus): void {
    // Each change of the link is a line in the log: when a rep says a message never came, the
    // log shows whether and when the desktop was offline.
    const reason = 'reason' in s ? s.reason : null;
    if (s.status !== this.link.status || reason !== ('reason' in this.link ? this.link.reason : null)) {
      this.log(`[connection] ${s.status}${reason ? `: ${reason}` : ''}`, s.status === 'offline' ? 'warn' : 'info');
    }
    this.link = s;
    this.publishLink();
  }

  private publishLink(): void {
    this.emit('connection.changed', this.connectionState());
  }
}

/** Minutes since midnight on this computer's clock, in its time zone (quiet hours are the rep's local hours). */
const localMinutes = (d: Date): number => d.getHours() * 60 + d.getMinutes();
