import { readFileSync } from 'node:fs';

/** VmRSS and VmHWM (peak RSS) of a process, MB (2^20 bytes), from /proc/<pid>/status. */
export function processMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]) / 1024;
  };
  return { rssMb: kb('VmRSS'), peakMb: kb('VmHWM') };
}

/** CPU time (user + system) a process used so far, ms, from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

/**
 * Waits until every process in `pids` used under 5 % of a core over 500 ms (its
 * background work after a burst of writes is done), at most `timeoutMs`; returns how long
 * it waited.
 */
export async function waitUntilQuiet(pids: readonly number[], timeoutMs = 20_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    const before = pids.map(processCpuMs);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const busy = pids.some((pid, index) => processCpuMs(pid) - before[index] > 25);
    if (!busy || performance.now() - start > timeoutMs) return performance.now() - start;
  }
}
