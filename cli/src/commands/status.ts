import type { Command } from 'commander';
import { setExitCode, withClients } from '../command-context.js';
import { emit } from '../output/emit.js';
import { formatStatus } from '../status/format-status.js';
import { gatherStatus } from '../status/gather-status.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'one screen: every node UP/DOWN/stale since when and why, desired vs applied revision, instances per group, the push leader, the last push per node',
    )
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients, colour }) => {
        const { model, exitCode } = await gatherStatus(clients);
        emit(options.json, model, () => formatStatus(model, colour));
        setExitCode(exitCode);
      });
    });
}
