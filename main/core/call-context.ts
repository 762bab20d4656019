// What the renderer's calls (ipc-calls.ts) may use of the desktop core: the local store, the
// session, the outbox and the shell, each as narrow as the calls need. CoreState implements it; the
// calls never reach into the core's wiring.
import type { ConnectionState, IpcEventName, IpcEventPayload, Session, Settings } from '../../shared/ipc';
import type { UserView } from '../../shared/domain';
import type { ClientFrame } from '../../shared/stream-protocol';
import type { ShellPort } from './ports';
import type { LocalStore } from './store/local-store';
import type { HttpApi } from './http-api';
import type { Outbox } from './outbox';
import type { UnreadCounts } from './unread';
import type { LogLine } from './log';
import type { AttachmentFile } from './attachment-cache';

export interface CallContext {
  /** Whether start() finished and stop() did not begin: calls are refused otherwise. */
  readonly started: boolean;
  /** The current local store (replaced when a damaged one is set aside). */
  readonly store: LocalStore;
  readonly shell: ShellPort;
  readonly outbox: Pick<Outbox, 'send' | 'retry'>;
  readonly unread: Pick<UnreadCounts, 'touch' | 'flushNow'>;
  /** Uploads under way, by the renderer's upload id, so one can be cancelled. */
  readonly uploads: Map<string, AbortController>;
  readonly log: LogLine;

  // The session.
  signedIn(): boolean;
  /** The server's HTTP API with the session's token; throws signed_out without a session. */
  api(): HttpApi;
  sessionView(): Session;
  beginSession(serverUrl: string, token: string, user: UserView): Promise<void>;
  endSession(reason: 'signed-out' | 'expired', message: string): Promise<void>;

  // The link and what the windows show.
  connectionState(): ConnectionState;
  /** A frame to the server on the live link; false when there is none. */
  sendFrame(frame: ClientFrame): boolean;
  /** From now on the conversation's synced changes are handed to the windows. */
  watch(conversationId: string): void;
  /** The conversation the rep has open and whether the window has focus (the nudge policy reads them). */
  setFocus(conversationId: string | null, windowFocused: boolean): void;
  windowFocused(): boolean;
  emit<N extends IpcEventName>(event: N, payload: IpcEventPayload<N>): void;

  settings(): Settings;
  /** The rep changed Carter settings here: they go to the server. */
  nudgeSettingsChangedHere(): void;
  fetchAttachment(attachmentId: string, maxBytes?: number): Promise<AttachmentFile>;
}
