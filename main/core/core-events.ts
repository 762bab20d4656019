// The core's events to the shells (shared/ipc.ts IpcEvents): who listens, and delivery that one
// failing listener cannot break for the others.
import { IpcEvents, type IpcEventName, type IpcEventPayload } from '../../shared/ipc';
import type { LogLine } from './log';

type Listener = (payload: never) => void;

export class CoreEvents {
  private readonly listeners = new Map<IpcEventName, Set<Listener>>();

  constructor(private readonly log: LogLine) {}

  on<N extends IpcEventName>(event: N, listener: (payload: IpcEventPayload<N>) => void): () => void {
    if (!Object.prototype.hasOwnProperty.call(IpcEvents, event)) throw new Error(`Unknown event "${event}".`);
    const set = this.listeners.get(event) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(event, set);
    return () => {
      set.delete(listener);
    };
  }

  hasListeners(event: IpcEventName): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  emit<N extends IpcEventName>(event: N, payload: IpcEventPayload<N>): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    for (const l of [...set] as ((payload: IpcEventPayload<N>) => void)[]) {
      try {
        l(payload);
      } catch (err) {
        this.log(`[core] a ${event} listener failed: ${(err as Error).message}`, 'error');
      }
    }
  }
}
