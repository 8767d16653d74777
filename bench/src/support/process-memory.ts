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
