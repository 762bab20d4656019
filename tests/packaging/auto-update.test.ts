// main/auto-update.ts: installed builds made with an update URL check for updates at start and
// every 6 h; a checkout or a build without one never does; a failed check never stops the app.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAutoUpdate, UPDATE_CHECK_INTERVAL_MS, UPDATE_CONFIG_FILE, type Updater } from '../../main/auto-update';

function recordingLog() {
  const lines: Array<{ level: string; message: string; err?: unknown }> = [];
  const at = (level: string) => (message: string, err?: unknown) => {
    lines.push({ level, message, err });
  };
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

/** An updater whose checks resolve, or reject with the next queued error. */
function fakeUpdater() {
  const failures: Error[] = [];
  const updater: Updater & { checks: number } = {
    logger: null,
    checks: 0,
    async checkForUpdatesAndNotify() {
      updater.checks++;
      const failure = failures.shift();
      if (failure) throw failure;
      return null;
    },
  };
  return { updater, failures };
}

/** A scheduler the test fires by hand. */
function manualSchedule() {
  const s = { ms: 0, fire: () => {}, cancelled: false };
  const every = (ms: number, check: () => void) => {
    s.ms = ms;
    s.fire = check;
    return () => {
      s.cancelled = true;
    };
  };
  return { s, every };
}

let resources: string;
beforeEach(() => {
  resources = mkdtempSync(path.join(tmpdir(), 'converse-resources-'));
});
afterEach(() => rmSync(resources, { recursive: true, force: true }));

describe('startAutoUpdate', () => {
  it('does nothing when run from a checkout', () => {
    writeFileSync(
      path.join(resources, UPDATE_CONFIG_FILE),
      'provider: generic\nurl: https://updates.converse.example/\n',
    );
    let loaded = 0;
    const { log, lines } = recordingLog();
    const stop = startAutoUpdate({
      app: { isPackaged: false },
      log,
      resourcesPath: resources,
      loadUpdater: async () => {
        loaded++;
        return fakeUpdater().updater;
      },
    });
    stop();
    expect(loaded).toBe(0);
    expect(lines).toEqual([]);
  });

  it('does nothing, and says so, in a build made without an update URL', () => {
    let loaded = 0;
    const { s, every } = manualSchedule();
    const { log, lines } = recordingLog();
    startAutoUpdate({
      app: { isPackaged: true },
      log,
      resourcesPath: resources,
      loadUpdater: async () => {
        loaded++;
        return fakeUpdater().updater;
      },
      every,
    });
    expect(loaded).toBe(0);
    expect(s.ms).toBe(0);
    expect(lines.map((l) => l.message)).toEqual([expect.stringContaining('auto-update: off')]);
  });

  it('checks at start and every 6 hours, logs a failed check and checks again next time, until stopped', async () => {
    writeFileSync(
      path.join(resources, UPDATE_CONFIG_FILE),
      'provider: generic\nurl: https://updates.converse.example/\n',
    );
    const { updater, failures } = fakeUpdater();
    failures.push(new Error('getaddrinfo ENOTFOUND updates.converse.example'));
    const { s, every } = manualSchedule();
    const { log, lines } = recordingLog();
    const stop = startAutoUpdate({
      app: { isPackaged: true },
      log,
      resourcesPath: resources,
      loadUpdater: async () => updater,
      every,
    });

    await vi.waitFor(() => expect(lines.some((l) => l.level === 'warn')).toBe(true));
    expect(updater.checks).toBe(1);
    expect(lines.find((l) => l.level === 'warn')).toMatchObject({
      message: 'auto-update: the update check failed',
      err: expect.objectContaining({ message: expect.stringContaining('ENOTFOUND') }),
    });
    expect(s.ms).toBe(UPDATE_CHECK_INTERVAL_MS);
    expect(UPDATE_CHECK_INTERVAL_MS).toBe(6 * 60 * 60 * 1000);

    s.fire();
    await vi.waitFor(() => expect(updater.checks).toBe(2));
    // electron-updater's own messages go to the app's log.
    (updater.logger as { info(m: string): void }).info('Update for version 0.2.0 is not available');
    expect(lines.at(-1)).toMatchObject({
      level: 'info',
      message: 'auto-update: Update for version 0.2.0 is not available',
    });

    stop();
    expect(s.cancelled).toBe(true);
    s.fire();
    // Let every pending promise settle (one macrotask) before saying no check followed.
    await new Promise((resolve) => setImmediate(resolve));
    expect(updater.checks).toBe(2);
  });

  it('logs, and does not throw, when electron-updater cannot be loaded', async () => {
    writeFileSync(
      path.join(resources, UPDATE_CONFIG_FILE),
      'provider: generic\nurl: https://updates.converse.example/\n',
    );
    const { every } = manualSchedule();
    const { log, lines } = recordingLog();
    expect(() =>
      startAutoUpdate({
        app: { isPackaged: true },
        log,
        resourcesPath: resources,
        loadUpdater: async () => {
          throw new Error('Cannot find module electron-updater');
        },
        every,
      }),
    ).not.toThrow();
    await vi.waitFor(() =>
      expect(lines.find((l) => l.level === 'warn')?.err).toMatchObject({
        message: 'Cannot find module electron-updater',
      }),
    );
  });
});
