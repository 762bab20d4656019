// A desktop core wired to fakes of its shell, for tests: records every event it emits.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDesktopCore, type DesktopCore } from '../../../main/core/index';
import type { IpcArgs, IpcCallName, IpcEventName, IpcEventPayload } from '../../../shared/ipc';
import type { NudgeView } from '../../../shared/domain';
import type { Notifier, NudgeResult } from '../../../main/core/ports';
import { FakeShell, MemoryCredentials, RecordingNotifier } from './fixtures';

export interface Harness {
  core: DesktopCore;
  dataDir: string;
  shell: FakeShell;
  notifier: Notifier;
  credentials: MemoryCredentials;
  events: { name: IpcEventName; payload: unknown }[];
  nudgeResults: { nudge: NudgeView; result: NudgeResult }[];
  of<N extends IpcEventName>(name: N): IpcEventPayload<N>[];
  /** A call as a page sends it: any name, any arguments (the core validates them). Typed callers use core.handle. */
  call<T = unknown>(name: string, args?: unknown): Promise<T>;
}

const EVENT_NAMES: IpcEventName[] = [
  'connection.changed',
  'session.changed',
  'messages.changed',
  'conversations.changed',
  'unread.changed',
  'nudges.changed',
  'navigate',
  'attachment.progress',
  'window.changed',
  'settings.changed',
  'notice',
];

export function makeCore(
  o: {
    dataDir?: string;
    serverUrl?: string;
    token?: string;
    credentials?: MemoryCredentials;
    notifier?: Notifier;
    coalesceWindowMs?: number;
    heartbeatMs?: number;
    heartbeatTimeoutMs?: number;
    syncChunkSize?: number;
    inlineWriter?: boolean;
  } = {},
): Harness {
  const dataDir = o.dataDir ?? mkdtempSync(path.join(tmpdir(), 'converse-core-'));
  const shell = new FakeShell();
  const notifier = o.notifier ?? new RecordingNotifier();
  const credentials =
    o.credentials ?? new MemoryCredentials(o.serverUrl && o.token ? { serverUrl: o.serverUrl, token: o.token } : null);
  const nudgeResults: Harness['nudgeResults'] = [];
  const core = createDesktopCore({
    dataDir,
    notifier,
    credentials,
    shell,
    tuning: {
      coalesceWindowMs: o.coalesceWindowMs ?? 20,
      backoff: { baseMs: 20, maxMs: 200 },
      heartbeatMs: o.heartbeatMs,
      heartbeatTimeoutMs: o.heartbeatTimeoutMs,
      syncChunkSize: o.syncChunkSize,
      inlineWriter: o.inlineWriter,
    },
    onNudgeResult: (nudge, result) => nudgeResults.push({ nudge, result }),
  });
  const events: Harness['events'] = [];
  for (const name of EVENT_NAMES) core.on(name, (payload) => events.push({ name, payload }));
  return {
    core,
    dataDir,
    shell,
    notifier,
    credentials,
    events,
    nudgeResults,
    of: <N extends IpcEventName>(name: N) =>
      events.filter((e) => e.name === name).map((e) => e.payload as IpcEventPayload<N>),
    // Unchecked on purpose: the tests send unknown names and bad arguments the way a page could.
    call: <T>(name: string, args: unknown = {}) =>
      core.handle(name as IpcCallName, args as IpcArgs<IpcCallName>) as Promise<T>,
  };
}
