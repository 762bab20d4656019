// Watches the D-Bus session bus for org.freedesktop.Notifications.Notify calls, so a test sees
// exactly what reached the notification daemon.
import { spawn, type ChildProcess } from 'node:child_process';
import { eventually, until } from '../../support/eventually';

export interface SeenNotification {
  summary: string;
  body: string;
  appName: string;
  appIcon: string;
}

/** Notify(app_name, replaces_id, app_icon, summary, body, …): summary and body are the 3rd and 4th strings. */
export function parseNotifyCalls(monitorOutput: string): SeenNotification[] {
  return monitorOutput
    .split(/\n(?=method call)/)
    .filter((call) => call.includes('member=Notify'))
    .map((call) => [...call.matchAll(/^\s*string "((?:[^"\\]|\\.)*)"/gm)].map((m) => m[1]))
    .filter((s) => s.length >= 4)
    .map((s) => ({ summary: s[2], body: s[3], appName: s[0], appIcon: s[1] }));
}

export class NotificationWatch {
  private proc: ChildProcess;
  private output = '';

  constructor() {
    if (!process.env.DBUS_SESSION_BUS_ADDRESS)
      throw new Error('DBUS_SESSION_BUS_ADDRESS is not set: run under scripts/test.mjs or start a session bus.');
    this.proc = spawn(
      'dbus-monitor',
      ['--session', "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stdout!.on('data', (chunk: string) => {
      this.output += chunk;
    });
  }

  get seen(): SeenNotification[] {
    return parseNotifyCalls(this.output);
  }

  /** dbus-monitor prints a NameAcquired signal once it is attached to the bus. */
  async ready(timeoutMs = 5_000): Promise<void> {
    await until(() => this.output.includes('NameAcquired'), {
      timeoutMs,
      what: 'dbus-monitor attached to the session bus (NameAcquired)',
    });
  }

  async waitFor(match: (n: SeenNotification) => boolean, timeoutMs = 15_000): Promise<SeenNotification> {
    try {
      return await eventually(() => this.seen.find(match), { timeoutMs, what: 'a matching Notify call' });
    } catch (err) {
      throw new Error(`${(err as Error).message}; seen: ${JSON.stringify(this.seen)}`);
    }
  }

  stop() {
    this.proc.kill();
  }
}
