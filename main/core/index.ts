// The desktop core's entry: everything of Converse Desktop that is not window chrome, in plain
// Node. A shell (Electron or the browser shell) creates one, routes every IPC call to
// `handle` and forwards every event from `on` to the renderer.
import {
  parseIpcCall,
  type IpcArgs,
  type IpcCallName,
  type IpcEventName,
  type IpcEventPayload,
  type IpcResult,
} from '../../shared/ipc';
import type { CredentialStore, Notifier, ShellPort } from './ports';
import { CoreState, type DesktopCoreOptions } from './desktop-core';
import { CallError, runCall } from './ipc-calls';
import { CallErrorCode, ErrorCode } from '../../shared/error-codes';

export type { DesktopCoreOptions } from './desktop-core';
export type { CredentialStore, Notifier, ShellPort, NudgeResult, OsNotification } from './ports';
// The browser shell imports its node-notifier notifier from ./notifiers/node-notifier itself: the
// Electron bundle must not pull node-notifier in (it is a development dependency).
export { createFileCredentialStore } from './credentials/file-store';
export { CoreLog, LOG_FILE, logLevelFrom, type LogLevel } from './log';

export interface DesktopCore {
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * One renderer call: validated, then answered with the result its contract names (shared/ipc.ts),
   * so a shell reads it without a cast; failures reject with an Error carrying `.code`. The
   * arguments are validated here even when the types say they fit: a shell forwards what a page sent.
   */
  handle<N extends IpcCallName>(name: N, args: IpcArgs<N>): Promise<IpcResult<N>>;
  on<N extends IpcEventName>(event: N, listener: (payload: IpcEventPayload<N>) => void): () => void;
  /** The shell's window gained or lost focus (the nudge policy needs it). */
  setWindowFocused(focused: boolean): void;
  /** Resume from sleep, network change: reconnect at once. */
  wake(reason: string): void;
  /**
   * An attachment's bytes through the server (`GET /api/v1/attachments/:id` with the session's
   * token), for the shells' preview URLs; recently fetched files come from a bounded memory
   * cache. Rejects with an Error carrying `.code` (signed_out, not_found, offline, …).
   */
  fetchAttachment(attachmentId: string): Promise<{ bytes: Uint8Array; mimeType: string; fileName: string | null }>;
}

export function createDesktopCore(
  opts: DesktopCoreOptions & { notifier: Notifier; credentials: CredentialStore; shell: ShellPort },
): DesktopCore {
  const core = new CoreState(opts);
  return {
    start: () => core.start(),
    stop: () => core.stop(),
    async handle(name, args) {
      const parsed = parseIpcCall(name, args);
      if (!parsed.ok) throw new CallError(parsed.error.code, parsed.error.message);
      return runCall(core, name, parsed.args);
    },
    on: (event, listener) => core.on(event, listener),
    setWindowFocused: (focused) => core.setWindowFocused(focused),
    wake: (reason) => core.wake(reason),
    async fetchAttachment(attachmentId) {
      if (!core.started) throw new CallError(CallErrorCode.NOT_STARTED, 'The app is still starting.');
      if (typeof attachmentId !== 'string' || attachmentId.length === 0 || attachmentId.length > 200) {
        throw new CallError(CallErrorCode.INVALID_ARGUMENTS, 'An attachment id is a non-empty string.');
      }
      try {
        return await core.fetchAttachment(attachmentId);
      } catch (err) {
        const code = (err as { code?: unknown })?.code;
        throw new CallError(
          typeof code === 'string' ? code : ErrorCode.INTERNAL,
          (err as Error)?.message ?? String(err),
        );
      }
    },
  };
}
