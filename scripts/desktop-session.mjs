// A desktop session for tests that need one: an X display (Xvfb), a D-Bus session bus and a
// notification daemon (dunst), so node-notifier reaches a real daemon and dbus-monitor can see
// each Notify call. Reuses what the environment already has; exports DBUS_SESSION_BUS_ADDRESS
// explicitly, since libdbus otherwise starts a stray bus and a test passes against the wrong one.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const has = (cmd) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export async function startDesktopSession() {
  const env = {};
  const children = [];
  if (!process.env.DISPLAY && has('Xvfb')) {
    const display = `:${90 + Math.floor(Math.random() * 9)}`;
    const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    children.push(xvfb);
    env.DISPLAY = display;
    for (let i = 0; i < 50 && !existsSync(`/tmp/.X11-unix/X${display.slice(1)}`); i++)
      await new Promise((r) => setTimeout(r, 100));
  }
  if (!process.env.DBUS_SESSION_BUS_ADDRESS && has('dbus-launch')) {
    const out = execFileSync('dbus-launch', ['--sh-syntax'], { encoding: 'utf8', env: { ...process.env, ...env } });
    const addr = /DBUS_SESSION_BUS_ADDRESS='([^']+)'/.exec(out)?.[1];
    const pid = /DBUS_SESSION_BUS_PID=(\d+)/.exec(out)?.[1];
    if (addr) env.DBUS_SESSION_BUS_ADDRESS = addr;
    if (pid)
      children.push({
        kill: () => {
          try {
            process.kill(Number(pid));
          } catch {}
        },
      });
  }
  if (has('dunst') && (env.DBUS_SESSION_BUS_ADDRESS || process.env.DBUS_SESSION_BUS_ADDRESS)) {
    const dunst = spawn('dunst', [], { stdio: 'ignore', env: { ...process.env, ...env } });
    children.push(dunst);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    env,
    stop: () => {
      for (const c of children.reverse()) {
        try {
          c.kill();
        } catch {}
      }
    },
  };
}
