// What the server's own processes spent during a phase, per inbound message: CPU (all threads)
// and bytes written to disk. Latency on a shared 2-core machine moves by a factor of two from run
// to run; these move far less, so a change's cost shows even when the p99 is lost in the noise.
// Beside them, where the rest of the machine went: PostgreSQL's processes, this process (the
// webhook sender and the desktops), and how busy all the cores were — a p99 measured on a
// machine at 99% is queueing, whatever the server does per message.
// Linux only (/proc): elsewhere the figures are left out.
import { readdirSync, readFileSync } from 'node:fs';

/** /proc/<pid>/stat counts CPU time in clock ticks, 100 a second on Linux (USER_HZ). */
const TICK_MS = 10;

interface Usage {
  cpuMs: number;
  diskBytes: number;
}

/** CPU time of a process, all threads (ms); null once it is gone. */
function cpuOf(pid: number): number | null {
  try {
    // The fields after the command name (which may hold spaces) start at state: utime and stime are 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(stat[11]) + Number(stat[12])) * TICK_MS;
  } catch {
    return null;
  }
}

function usageOf(pid: number): Usage | null {
  const cpuMs = cpuOf(pid);
  if (cpuMs === null) return null;
  try {
    const io = /write_bytes: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return { cpuMs, diskBytes: Number(io?.[1] ?? 0) };
  } catch {
    return null;
  }
}

/** Starts counting for `pids`; `per(messages)` gives CPU ms and disk KB per message since, or null. */
export function countUsage(pids: number[]): { per(messages: number): { cpuMs: number; diskKb: number } | null } {
  const start = pids.map(usageOf);
  return {
    per(messages) {
      const end = pids.map(usageOf);
      if (messages === 0 || start.some((u) => !u) || end.some((u) => !u)) return null;
      const sum = (k: keyof Usage) => end.reduce((n, u, i) => n + u![k] - start[i]![k], 0);
      return { cpuMs: sum('cpuMs') / messages, diskKb: sum('diskBytes') / 1024 / messages };
    },
  };
}

/** The processes named `name` (the command in /proc/<pid>/stat), e.g. PostgreSQL's server and backends. */
function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/stat`, 'utf8').startsWith(`${entry} (${name}) `)) pids.push(Number(entry));
    } catch {
      // Gone since the directory was read.
    }
  }
  return pids;
}

/** Busy and total CPU time of all cores so far (/proc/stat: idle and iowait are the idle columns). */
function cores(): { busy: number; all: number } | null {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const all = ticks.reduce((a, b) => a + b, 0);
    return { busy: all - ticks[3]! - ticks[4]!, all };
  } catch {
    return null;
  }
}

/**
 * Starts counting where the machine's CPU goes; `per(messages)` gives, since: PostgreSQL's CPU per
 * message (its processes alive at both ends; null when it runs elsewhere), this process's, and the
 * share of all cores that was busy (%).
 */
export function countMachine(): {
  per(messages: number): { postgresMs: number | null; benchMs: number; busyPct: number } | null;
} {
  const postgres = pidsNamed('postgres');
  // CPU only: another user's process (PostgreSQL's, when this is not root) hides its I/O counts.
  const postgresStart = new Map(postgres.map((pid) => [pid, cpuOf(pid)]));
  const selfStart = process.cpuUsage();
  const coresStart = cores();
  return {
    per(messages) {
      const coresEnd = cores();
      if (messages === 0 || !coresStart || !coresEnd || coresEnd.all === coresStart.all) return null;
      let postgresMs = 0;
      let counted = 0;
      for (const [pid, start] of postgresStart) {
        const end = cpuOf(pid);
        if (start === null || end === null) continue;
        postgresMs += end - start;
        counted++;
      }
      const self = process.cpuUsage(selfStart);
      return {
        postgresMs: counted > 0 ? postgresMs / messages : null,
        benchMs: (self.user + self.system) / 1000 / messages,
        busyPct: ((coresEnd.busy - coresStart.busy) / (coresEnd.all - coresStart.all)) * 100,
      };
    },
  };
}
