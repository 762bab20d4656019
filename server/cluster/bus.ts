// The Redis side of many nodes: one connection that publishes (and keeps shared counts), one that
// subscribes. Redis is only a doorbell here — the log in the store stays the truth — so a lost
// message costs a moment, never an event: a doorbell that could not be published is owed and
// published when Redis answers again, and the subscriber's return is reported so that the node
// reads the log for every connection it holds (runtime.ts).
import { Redis, type RedisOptions } from 'ioredis';
import type { AppendedEvent } from '../storage/store';
import {
  chunks,
  eventsMessage,
  parseBusMessage,
  revokedMessage,
  seqsMessage,
  writtenBy,
  type Doorbell,
} from './messages';

/** What the cluster reports (the server's log, server/log.ts, has this shape). */
export interface ClusterLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface BusHandlers {
  /** Doorbells published by another node. */
  events(doorbells: Doorbell[], fromNode: string): void;
  /** Sessions signed out on another node. */
  revoked(sessionIds: string[]): void;
  /** The subscription is back after a drop: doorbells published meanwhile were missed. */
  resubscribed(): void;
}

export interface BusOptions {
  /** CONVERSE_REDIS_URL. */
  redisUrl: string;
  /** Put before every channel and key, so several clusters (or test files) share one Redis. */
  prefix: string;
  nodeId: string;
  log: ClusterLog;
  handlers: BusHandlers;
  /** A message with its events stays under this many bytes, else it carries only seqs (default 8 KB). */
  maxPayloadBytes?: number;
  /** The longest wait between two reconnection attempts (default 2 s). */
  retryMaxMs?: number;
}

/** Doorbells owed to other nodes are remembered for at most this many users; the head check covers the rest. */
const MAX_OWED_USERS = 50_000;

/** The address of a Redis URL without its credentials, for messages and logs. */
export function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'an unparseable URL';
  }
}

export class EventBus {
  private readonly channel: string;
  /** userId → highest seq whose doorbell could not be published. */
  private readonly owed = new Map<string, number>();
  private closing = false;

  private constructor(
    private readonly o: BusOptions,
    /** Publishes, and keeps the counts other modules share (redis-attempts.ts). */
    readonly commands: Redis,
    private readonly subscriber: Redis,
  ) {
    this.channel = `${o.prefix}bus`;
  }

  /** Connects both connections and subscribes; a Redis that does not answer is a clear error naming CONVERSE_REDIS_URL. */
  static async connect(o: BusOptions): Promise<EventBus> {
    const retryMaxMs = o.retryMaxMs ?? 2000;
    const name = (role: string) => `${o.prefix}${role}:${o.nodeId}`.replace(/[^A-Za-z0-9:._-]/g, '_');
    const options = (role: string): RedisOptions => ({
      lazyConnect: true,
      // While Redis is away a command fails at once (the log covers it) instead of queueing.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), retryMaxMs),
      connectionName: name(role),
      // A Redis that takes the connection but does not answer fails a command (a sign-in count,
      // a publish) rather than holding it; the subscriber only waits, so it has no such bound.
      ...(role === 'pub' ? { commandTimeout: 2000 } : {}),
    });
    const commands = new Redis(o.redisUrl, options('pub'));
    const subscriber = new Redis(o.redisUrl, options('sub'));
    let firstError: string | null = null;
    const noteError = (err: Error) => (firstError ??= err.message);
    commands.on('error', noteError);
    subscriber.on('error', noteError);
    const bus = new EventBus(o, commands, subscriber);
    try {
      await Promise.all([commands.connect(), subscriber.connect()]);
      subscriber.on('message', (channel: string, text: string) => {
        if (channel === bus.channel) bus.received(text);
      });
      await subscriber.subscribe(bus.channel);
    } catch (err) {
      commands.disconnect();
      subscriber.disconnect();
      throw new Error(
        `CONVERSE_REDIS_URL: Redis at ${redisAddress(o.redisUrl)} did not answer (${firstError ?? (err as Error).message}). ` +
          'Start Redis or correct CONVERSE_REDIS_URL; without it, run a single node.',
      );
    }
    commands.off('error', noteError);
    subscriber.off('error', noteError);
    bus.watch(commands, 'publishing', () => bus.payOwed());
    bus.watch(subscriber, 'subscribing', () => void bus.afterResubscribe());
    return bus;
  }

  /** Tells other nodes that these events were appended (after commit). Never throws: a failure is owed. */
  publishEvents(events: AppendedEvent[]) {
    for (const part of chunks(events)) {
      const text = eventsMessage(this.o.nodeId, part, this.o.maxPayloadBytes ?? 8192);
      this.commands.publish(this.channel, text).then(
        () => {
          if (this.owed.size > 0) this.payOwed();
        },
        () => this.owe(part),
      );
    }
  }

  /** Tells other nodes to close the streams of these sessions. */
  async publishRevocation(sessionIds: string[]): Promise<void> {
    for (const part of chunks(sessionIds))
      await this.commands.publish(this.channel, revokedMessage(this.o.nodeId, part));
  }

  async close() {
    this.closing = true;
    await Promise.all([quit(this.subscriber), quit(this.commands)]);
  }

  private received(text: string) {
    // This node delivered its own events already: not parsed, not validated, not handled.
    if (writtenBy(text, this.o.nodeId)) return;
    const parsed = parseBusMessage(text);
    if (!parsed.ok) {
      this.o.log.warn(`cluster: a bus message was dropped (${parsed.why})`);
      return;
    }
    const m = parsed.message;
    if (m.node === this.o.nodeId) return; // this node delivered its own events already
    try {
      if (m.kind === 'events') this.o.handlers.events(m.events, m.node);
      else this.o.handlers.revoked(m.sessionIds);
    } catch (err) {
      this.o.log.error(`cluster: a ${m.kind} message from node ${m.node} failed: ${(err as Error).message}`);
    }
  }

  private owe(events: { userId: string; seq: number }[]) {
    for (const { userId, seq } of events) {
      if (this.owed.size >= MAX_OWED_USERS && !this.owed.has(userId)) return;
      this.owed.set(userId, Math.max(seq, this.owed.get(userId) ?? 0));
    }
  }

  /** Publishes the doorbells that failed, without their events (the other nodes read the log). */
  private payOwed() {
    if (this.owed.size === 0) return;
    const owed = [...this.owed].map(([userId, seq]) => ({ userId, seq }));
    this.owed.clear();
    for (const part of chunks(owed))
      this.commands.publish(this.channel, seqsMessage(this.o.nodeId, part)).catch(() => this.owe(part));
  }

  private async afterResubscribe() {
    // ioredis sent SUBSCRIBE again before "ready"; a PING answered after it means the
    // subscription is live, so the log read that follows misses nothing published later.
    try {
      await this.subscriber.ping();
    } catch {
      return; // dropped again: the next "ready" comes back here
    }
    this.o.handlers.resubscribed();
  }

  /** Logs a drop once and a return once (not every attempt in between), and acts on the return. */
  private watch(conn: Redis, role: string, onBack: () => void) {
    let lost = false;
    let lastError = '';
    conn.on('error', (err: Error) => {
      lastError = err.message;
    });
    conn.on('close', () => {
      if (lost || this.closing) return;
      lost = true;
      this.o.log.warn(
        `cluster: the Redis ${role} connection to ${redisAddress(this.o.redisUrl)} dropped${lastError ? ` (${lastError})` : ''}; ` +
          'live events reach this node’s own connections only until it is back',
      );
    });
    conn.on('ready', () => {
      if (!lost) return;
      lost = false;
      lastError = '';
      this.o.log.info(`cluster: the Redis ${role} connection is back`);
      onBack();
    });
  }
}

async function quit(conn: Redis) {
  try {
    await conn.quit();
  } catch {
    conn.disconnect();
  }
}
