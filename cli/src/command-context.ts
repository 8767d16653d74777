import type { Command } from 'commander';
import { Clients } from './connection/clients.js';
import { resolveEndpoints, type ConnectionFlags } from './connection/endpoints.js';
import { Colour } from './output/colour.js';

/** What every service command gets: the clients (closed afterwards) and the output colour. */
export type CommandContext = { readonly clients: Clients; readonly colour: Colour };

/** Resolves the endpoints from the global flags, runs `body`, closes the channels. */
export async function withClients<T>(
  command: Command,
  body: (context: CommandContext) => Promise<T>,
): Promise<T> {
  const clients = Clients(resolveEndpoints(command.optsWithGlobals<ConnectionFlags>()));
  try {
    return await body({ clients, colour: Colour() });
  } finally {
    clients.close();
  }
}

/** Sets the exit status without ending the process (output still flushes). */
export function setExitCode(code: number): void {
  if (code > ((process.exitCode as number | undefined) ?? 0)) process.exitCode = code;
}
