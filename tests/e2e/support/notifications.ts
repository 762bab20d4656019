// Watches the D-Bus session bus for org.freedesktop.Notifications.Notify calls, so a test sees
// exactly what reached the notification daemon.
import { spawn, type ChildProcess } from 'node:child_process';

export interface SeenNotification { summary: string; body: string }

/** Notify(app_name, replaces_id, app_icon, summary, body, …): summary and body are the 3rd and 4th strings. */
export function parseNotifyCalls(monitorOutput: string): SeenNotification[] {
  return monitorOutput.split(/\n(?=method call)/)
    .filter((call) => call.includes('member=Notify'))
    .map((call) => [...call.matchAll(/^\s*string "((?:[^"\\]|\\.)*)"/gm)].map((m) => m[1]))
    .filter((s) => s.length >= 4)
    .map((s) => ({ summary: s[2], body: s[3] }));
}

export class NotificationWatch {
  private proc: ChildProcess;
  private output = '';

  constructor() {
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error('DBUS_SESSION_BUS_ADDRESS is not set: run under scripts/test.mjs or start a session bus.');
    this.proc = spawn('dbus-monitor', ['--session', "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stdout!.on('data', (chunk: string) => { this.output += chunk; });
  }

  get seen(): SeenNotification[] { return parseNotifyCalls(this.output); }

  /** dbus-monitor prints a NameAcquired signal once it is attached to the bus. */
  async ready(timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.output.includes('NameAcquired') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  }

  async waitFor(match: (n: SeenNotification) => boolean, timeoutMs = 15_000): Promise<SeenNotification> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const hit = this.seen.find(match);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`No matching Notify call within ${timeoutMs} ms; seen: ${JSON.stringify(this.seen)}`);
  }

  stop() { this.proc.kill(); }
}
