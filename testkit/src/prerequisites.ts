import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What a suite of integration tests needs from the machine. */
export type Prerequisite =
  | 'root'
  | 'redis-server'
  | 'redis-sentinel'
  | 'nginx'
  | 'sshd'
  | 'keepalived'
  | 'ip'
  | 'sudo'
  | 'curl';

const SYSTEM_PATHS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

function onPath(program: string): boolean {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), ...SYSTEM_PATHS];
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function present(prerequisite: Prerequisite): boolean {
  if (prerequisite === 'root') return process.getuid?.() === 0;
  return onPath(prerequisite);
}

/** The prerequisites in `needs` this machine lacks, in the order given. */
export function missingPrerequisites(needs: readonly Prerequisite[]): Prerequisite[] {
  return needs.filter((need) => !present(need));
}
