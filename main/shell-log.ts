// The Electron shell's log: start-up, the embedded server, renderer crashes, shortcut and update
// problems. Written to the desktop core's log file (<userData>/logs/converse.log, rotated, secrets
// redacted: main/core/log.ts), which the core is handed too, so one file tells the whole story;
// also mirrored to stderr for a terminal start. The start-up failure dialog names the file.
import { CoreLog, logLevelFrom } from './core/index';

export interface ShellLog {
  /** The file the rep or an administrator can send. */
  readonly file: string;
  /** The file log itself, for the desktop core (DesktopCoreOptions.logFile). */
  readonly core: CoreLog;
  info(message: string, err?: unknown): void;
  warn(message: string, err?: unknown): void;
  error(message: string, err?: unknown): void;
  close(): Promise<void>;
}

export function createShellLog(dir: string): ShellLog {
  const core = new CoreLog({
    dir,
    level: process.env.CONVERSE_DEBUG ? 'debug' : logLevelFrom(process.env.CONVERSE_LOG_LEVEL),
  });
  const write = (level: 'info' | 'warn' | 'error', message: string, err?: unknown) => {
    const detail = err === undefined ? '' : `: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    core.write(level, `[shell] ${message}${detail}`);
    if (level !== 'info' || process.env.CONVERSE_DEBUG) console.error(`converse ${level}: ${message}${detail}`);
  };
  return {
    file: core.file,
    core,
    info: (m, e) => write('info', m, e),
    warn: (m, e) => write('warn', m, e),
    error: (m, e) => write('error', m, e),
    close: async () => core.close(),
  };
}
