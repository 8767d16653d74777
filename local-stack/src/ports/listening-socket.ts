import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const LISTEN = '0A';

/**
 * Inodes of the TCP sockets listening on `port` (any address, IPv4 or IPv6), read from
 * /proc/net/tcp{,6} of this network namespace. Empty when nothing listens there.
 */
export function listeningSocketInodes(port: number): string[] {
  const inodes: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== LISTEN) continue;
      const portHex = local.slice(local.lastIndexOf(':') + 1);
      if (parseInt(portHex, 16) === port && fields[9]) inodes.push(fields[9]);
    }
  }
  return inodes;
}

/** True when process `pid` holds one of `inodes` among its open file descriptors. */
export function holdsSocket(pid: number, inodes: readonly string[]): boolean {
  if (inodes.length === 0) return false;
  const wanted = new Set(inodes.map((inode) => `socket:[${inode}]`));
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  return fds.some((fd) => {
    try {
      return wanted.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      return false;
    }
  });
}

/** The process listening on `port`, when /proc lets this process see it (as root: any). */
export function listeningPid(port: number): number | undefined {
  const inodes = listeningSocketInodes(port);
  if (inodes.length === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid !== process.pid && holdsSocket(pid, inodes)) return pid;
  }
  return undefined;
}
