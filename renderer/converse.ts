// The one door to main: the preload (Electron) or the browser shell's bridge puts a
// ConverseApi on window.converse before this bundle runs. Nothing else in the renderer
// reaches outside the page.
import type { ConverseApi, IpcArgs, IpcCallName, IpcResult } from '../shared/ipc';

declare global {
  interface Window {
    converse?: ConverseApi;
  }
}

export function converseAvailable(): boolean {
  return typeof window !== 'undefined' && window.converse !== undefined;
}

export function converse(): ConverseApi {
  const api = window.converse;
  if (!api) throw new Error('window.converse is missing: the renderer was opened outside Converse Desktop.');
  return api;
}

export const invoke = <N extends IpcCallName>(name: N, args: IpcArgs<N>): Promise<IpcResult<N>> =>
  converse().invoke(name, args);

/** The code main attached to a failed call (shared/error-codes.ts), if any. */
export const errorCode = (e: unknown): string | null =>
  e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string'
    ? (e as { code: string }).code
    : null;

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A client id main and the server dedupe sends on. */
export const newClientId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
