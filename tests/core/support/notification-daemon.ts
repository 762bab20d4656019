// A real notification daemon for the suites that watch nudges reach it over D-Bus: whether this
// machine can run one (Linux with notify-send, dbus-monitor and a session bus or dbus-launch),
// and the session (Xvfb, D-Bus, dunst from scripts/desktop-session.mjs) when none is running.
import { execFileSync } from 'node:child_process';
// @ts-expect-error plain ESM script without types
import { startDesktopSession } from '../../../scripts/desktop-session.mjs';

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export const canWatchNotifications =
  process.platform === 'linux' &&
  has('notify-send') &&
  has('dbus-monitor') &&
  (!!process.env.DBUS_SESSION_BUS_ADDRESS || has('dbus-launch'));

/** Starts a desktop session unless one is there; the returned function stops what it started. */
export async function ensureDesktopSession(): Promise<() => void> {
  if (process.env.DBUS_SESSION_BUS_ADDRESS) return () => {};
  const session = (await startDesktopSession()) as { env: Record<string, string>; stop(): void };
  Object.assign(process.env, session.env);
  return () => session.stop();
}
