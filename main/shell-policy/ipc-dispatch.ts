// One path from "the renderer asked for X" to the core, shared by both shells: the Electron
// ipcMain handlers and the browser shell's WebSocket bridge. Every call is validated against the
// contract in shared/ipc.ts before the core sees it, and every failure comes back as an
// IpcError the renderer can show ({code, message}), never as a thrown, code-less Error.
import { parseIpcCall, type IpcCallName, type IpcError } from '../../shared/ipc';
import { ErrorCode } from '../../shared/error-codes';

/** The part of the desktop core a shell routes calls to: a validated call by name, its answer passed
 * on as it is (the shell does not read it; DesktopCore's typed `handle` fits). */
export interface CallableCore {
  handle(name: IpcCallName, args: unknown): Promise<unknown>;
}

export type IpcAnswer = { ok: true; result: unknown } | { ok: false; error: IpcError };

/** Validate, then hand to the core; map any failure to an IpcError. */
export async function dispatchIpcCall(core: CallableCore, name: unknown, args: unknown): Promise<IpcAnswer> {
  const parsed = parseIpcCall(name, args);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  try {
    const result = await core.handle(parsed.name, parsed.args);
    return { ok: true, result: result === undefined ? null : result };
  } catch (err) {
    return { ok: false, error: toIpcError(err) };
  }
}

/** An Error carrying `.code` keeps it; anything else becomes `internal` with its message. */
export function toIpcError(err: unknown): IpcError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    const message = typeof e.message === 'string' && e.message ? e.message : 'Something went wrong.';
    const code = typeof e.code === 'string' && e.code ? e.code : ErrorCode.INTERNAL;
    return { code, message };
  }
  return { code: ErrorCode.INTERNAL, message: typeof err === 'string' && err ? err : 'Something went wrong.' };
}
