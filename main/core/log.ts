// The desktop's log file: levelled JSON lines in <data dir>/logs/converse.log, rotated by size
// (converse.log → converse.log.1 → converse.log.2; the oldest is dropped), so a rep's "I missed
// a message" leaves something to read. Lines go through shared/redact.ts: no token, secret or
// credential is written, and callers never pass message bodies. Writes are synchronous and
// small (a line per connection change, failure or nudge), so a crash loses nothing logged
// before it; a log that cannot be written never takes the app down.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { redactText } from '../../shared/redact';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The core's diagnostics function: a line (conventionally "[area] what happened") and its level (info when left out). */
export type LogLine = (line: string, level?: LogLevel) => void;

export interface CoreLogOptions {
  /** The folder of the log files (<data dir>/logs). */
  dir: string;
  fileName?: string;
  /** A file is rotated before it would grow past this. */
  maxBytes?: number;
  /** Files kept, the current one included. */
  files?: number;
  /** Lines below this level are not written. */
  level?: LogLevel;
  now?: () => Date;
}

export const LOG_FILE = 'converse.log';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** CONVERSE_LOG_LEVEL for the desktop; info when unset or not a level. */
export function logLevelFrom(raw: string | undefined): LogLevel {
  const v = (raw ?? '').trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : 'info';
}

export class CoreLog {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly files: number;
  private readonly level: LogLevel;
  private readonly now: () => Date;
  private fd: number | null = null;
  private size = 0;

  constructor(o: CoreLogOptions) {
    this.file = path.join(o.dir, o.fileName ?? LOG_FILE);
    this.maxBytes = o.maxBytes ?? 5 * 1024 * 1024;
    this.files = Math.max(1, o.files ?? 3);
    this.level = o.level ?? 'info';
    this.now = o.now ?? (() => new Date());
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] <= RANK[this.level];
  }

  write(level: LogLevel, message: string): void {
    if (!this.enabled(level)) return;
    const line = `${JSON.stringify({ time: this.now().toISOString(), level, msg: redactText(message) })}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (this.fd === null) this.open();
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      writeSync(this.fd!, line);
      this.size += bytes;
    } catch {
      // A full disk or a vanished folder: drop the line, try again with the next one.
      this.close();
    }
  }

  error(message: string): void {
    this.write('error', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  info(message: string): void {
    this.write('info', message);
  }
  debug(message: string): void {
    this.write('debug', message);
  }

  close(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
    this.fd = null;
  }

  private open(): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = statSync(this.file).size;
  }

  private rotate(): void {
    this.close();
    rmSync(`${this.file}.${this.files - 1}`, { force: true });
    for (let i = this.files - 2; i >= 1; i--) {
      try {
        renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
      } catch {
        /* not there yet */
      }
    }
    if (this.files > 1) renameSync(this.file, `${this.file}.1`);
    else rmSync(this.file, { force: true });
    this.open();
  }
}
