// ipcMain.handle for every call in shared/ipc.ts, each validated and routed to the core by the
// same dispatcher the browser shell uses. A call from anything but the app's own page (an
// injected frame, a page navigated elsewhere) is refused before validation.
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IpcCalls, type IpcCallName } from '../shared/ipc';
import { ErrorCode } from '../shared/error-codes';
import { dispatchIpcCall, type CallableCore, type IpcAnswer } from './shell-policy/ipc-dispatch';
import { sameOrigin } from './shell-policy/navigation';
import { APP_ORIGIN } from './app-paths';

export function registerIpcHandlers(
  core: CallableCore,
  observe?: (name: IpcCallName, args: unknown) => void,
): () => void {
  const names = Object.keys(IpcCalls) as IpcCallName[];
  for (const name of names) {
    ipcMain.handle(name, async (event: IpcMainInvokeEvent, args: unknown): Promise<IpcAnswer> => {
      const from = event.senderFrame?.url ?? '';
      if (!sameOrigin(from, APP_ORIGIN)) {
        return {
          ok: false,
          error: {
            code: ErrorCode.FORBIDDEN,
            message: `Calls are accepted only from the app's own page, not ${from || 'an unknown frame'}.`,
          },
        };
      }
      return dispatchIpcCall(
        {
          handle: (n, a) => {
            observe?.(n, a);
            return core.handle(n, a);
          },
        },
        name,
        args,
      );
    });
  }
  return () => {
    for (const name of names) ipcMain.removeHandler(name);
  };
}
