// What the server's own processes spent during a phase, per inbound message: CPU (all threads)
// and bytes written to disk. Latency on a shared 2-core machine moves by a factor of two from run
// to run; these move far less, so a change's cost shows even when the p99 is lost in the noise.
// Linux only (/proc): elsewhere the figures are left out.
import { readFileSync } from 'node:fs';

/** /proc/<pid>/stat counts CPU time in clock ticks, 100 a second on Linux (USER_HZ). */
const TICK_MS = 10;

interface Usage {
  cpuMs: number;
  diskBytes: number;
}

function usageOf(pid: number): Usage | null {
  try {
    // The fields after the command name (which may hold spaces) start at state: utime and stime are 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const io = /write_bytes: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return { cpuMs: (Number(stat[11]) + Number(stat[12])) * TICK_MS, diskBytes: Number(io?.[1] ?? 0) };
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
