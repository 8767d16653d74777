import { readFileSync } from 'node:fs';

/** What /proc says about a process: its command line and its parent (undefined once gone). */
export type ProcessInfo = { readonly pid: number; readonly ppid: number; readonly command: string };

export function processInfo(pid: number): ProcessInfo | undefined {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { pid, ppid, command };
  } catch {
    return undefined;
  }
}

/** True for a process that runs this workspace's entry (a local stack). */
export function isLocalStack(info: ProcessInfo | undefined): boolean {
  return info !== undefined && /local-stack\/dist\/src\/main\.js/.test(info.command);
}
