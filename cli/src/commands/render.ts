import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { setExitCode, withClients } from '../command-context.js';
import { unary } from '../connection/call.js';
import { ExitCode } from '../exit-codes.js';
import { emit } from '../output/emit.js';
import { nodeView } from '../output/views.js';
import { diffVerdict, formatDiff } from './diff-verdict.js';
import { readRender } from './read-render.js';

export function registerRender(program: Command): void {
  program
    .command('render')
    .description(
      'the upstream config config-push would push now; its refusals (the drop guard, instances left out) go to stderr and make the exit status 1',
    )
    .option('--out <file>', 'write the config to this file instead of stdout')
    .option('--json', 'print content, revision, hash and refusals as JSON')
    .action(async (options: { out?: string; json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients, colour }) => {
        const response = await unary('config-push', clients.endpoints.timeoutMs, (call) =>
          readRender(clients.configPush(), call),
        );
        if (options.out) writeFileSync(options.out, response.content);
        if (options.json)
          emit(true, { ...response, content: response.content.toString('utf8') }, () => '');
        else if (!options.out) process.stdout.write(response.content);
        for (const refusal of response.refusals)
          process.stderr.write(`${colour.red('refused')}: ${refusal}\n`);
        if (response.refusals.length > 0) setExitCode(ExitCode.FAILED);
      });
    });

  program
    .command('diff')
    .description(
      "does NODE run the config that would be pushed now? Compares config-push's record of what the node applied (revision and sha256, written only after the node confirmed the reload) with a fresh render; exit 0 same, 1 different",
    )
    .argument('<node>', 'node address')
    .option('--json', 'print the comparison as JSON')
    .action(async (ip: string, options: { json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients, colour }) => {
        const timeout = clients.endpoints.timeoutMs;
        const [node, status, render] = await Promise.all([
          unary('health', timeout, (call) => clients.health().getNode({ ip }, call)),
          unary('config-push', timeout, (call) => clients.configPush().getPushStatus({}, call)),
          unary('config-push', timeout, (call) => readRender(clients.configPush(), call)),
        ]);
        const view = node.node ? nodeView(node.node) : undefined;
        const verdict = diffVerdict(view?.ip ?? ip, status, render);
        emit(options.json, verdict, () => formatDiff(verdict, colour));
        if (!verdict.same) setExitCode(ExitCode.FAILED);
      });
    });
}
