import { createServer } from 'node:net';
import { listeningPid } from './listening-socket.js';
import { isLocalStack, processInfo } from './process-info.js';

/** A port the stack needs is taken: the message names it and, when /proc tells, by whom. */
export class PortBusyError extends Error {
  override readonly name = 'PortBusyError';
}

/** Resolves true when `host:port` can be bound right now (it is closed again at once). */
export async function portIsFree(host: string, port: number): Promise<boolean> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
    );
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Who holds `port`, for a message: "pid 12 (node …/main.js), started by another local stack (pid 10)". */
export function describePortHolder(port: number): string | undefined {
  const pid = listeningPid(port);
  if (pid === undefined) return undefined;
  const holder = processInfo(pid);
  if (!holder) return undefined;
  const parent = processInfo(holder.ppid);
  const what = `pid ${pid} (${holder.command.slice(0, 120)})`;
  if (isLocalStack(holder)) return `${what}: another local stack`;
  if (isLocalStack(parent))
    return `${what}, started by another local stack (pid ${holder.ppid}): stop that one first (Ctrl-C in its terminal, or kill -INT ${holder.ppid})`;
  return what;
}

/** Fails at once, naming the first busy port, before the stack touches anything. */
export async function assertPortsFree(
  host: string,
  ports: ReadonlyArray<{ readonly name: string; readonly port: number }>,
): Promise<void> {
  for (const { name, port } of ports) {
    if (await portIsFree(host, port)) continue;
    const holder = describePortHolder(port);
    throw new PortBusyError(
      `port ${host}:${port} (${name}) is already in use${holder ? ` by ${holder}` : ''}`,
    );
  }
}
