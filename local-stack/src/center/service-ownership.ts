import { isRunning, type ManagedProcess } from '@gateway/testkit';
import { holdsSocket, listeningSocketInodes } from '../ports/listening-socket.js';
import { describePortHolder } from '../ports/port-check.js';

/**
 * After `name` answered SERVING on its port: fails unless the answer came from the
 * process the stack spawned (it still runs and holds the listening socket), so a
 * process that took the port in the meantime is never mistaken for it.
 */
export function assertOwnService(name: string, child: ManagedProcess, port: number): void {
  if (!isRunning(child))
    throw new Error(
      `${name} exited although its port ${port} answered SERVING: another process serves that port${holderSuffix(port)}; ${name} said: ${lastLine(child.output())}`,
    );
  if (!holdsSocket(child.pid, listeningSocketInodes(port)))
    throw new Error(
      `port ${port} answered SERVING, but not from the ${name} this stack started (pid ${child.pid})${holderSuffix(port)}`,
    );
}

function holderSuffix(port: number): string {
  const holder = describePortHolder(port);
  return holder ? `: it is held by ${holder}` : '';
}

function lastLine(output: string): string {
  return output.trimEnd().split('\n').pop()?.slice(0, 500) ?? '';
}
