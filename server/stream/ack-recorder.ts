// How far each device has acknowledged its log, written in batches. A desktop acks every batch it
// commits, so one write per ack was one commit per event delivered: at 500 inbound messages/s,
// as many commits as the messages themselves. Acks wait here for at most ACK_FLUSH_MS, a later
// ack of a device replaces its earlier one, and all that waits is written in one statement.
// Nothing depends on the record being current to the millisecond (replays start from the seq the
// desktop says in its hello); what a node had not written when it died is written again by the
// device's next ack.
import type { DeviceAck, EventLogStore } from '../storage/event-log-store';

/** How long an ack waits to be written with the others. */
export const ACK_FLUSH_MS = 100;

export class AckRecorder {
  private waiting = new Map<string, DeviceAck>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<EventLogStore, 'recordAcks'>,
    private readonly o: { flushMs?: number; log?: (msg: string) => void } = {},
  ) {}

  record(ack: DeviceAck): void {
    const key = `${ack.userId}\n${ack.deviceId}`;
    const seen = this.waiting.get(key);
    this.waiting.set(key, seen && seen.seq > ack.seq ? { ...seen, at: ack.at } : ack);
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.o.flushMs ?? ACK_FLUSH_MS);
  }

  /** Write what waits (after any write under way); a failed write is logged and its acks kept for the next. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.waiting.size === 0) return;
      const batch = this.waiting;
      this.waiting = new Map();
      try {
        await this.store.recordAcks([...batch.values()]);
      } catch (err) {
        this.o.log?.(
          `stream: ${batch.size} device acks could not be recorded (kept for the next write): ${(err as Error)?.message ?? String(err)}`,
        );
        // Newer acks that came meanwhile win over the ones put back.
        for (const [key, ack] of batch) if (!this.waiting.has(key)) this.waiting.set(key, ack);
        this.schedule();
      }
    });
    return this.writing;
  }

  /** The node stops: write what waits, once. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
