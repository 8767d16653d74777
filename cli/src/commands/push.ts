import type { Command } from 'commander';
import { isAbortError } from 'abort-controller-x';
import { PushOutcome, type NodePushResult } from '@gateway/proto/configpush';
import { setExitCode, withClients } from '../command-context.js';
import { asCliError, unary } from '../connection/call.js';
import { ExitCode } from '../exit-codes.js';
import type { Colour } from '../output/colour.js';
import { emitLine } from '../output/emit.js';
import { pushResultView, type PushResultView } from '../output/views.js';
import { duration } from './parse-values.js';

export function formatPushResult(view: PushResultView, colour: Colour): string {
  const outcome =
    view.outcome === 'APPLIED' || view.outcome === 'UNCHANGED'
      ? colour.green(view.outcome)
      : view.outcome === 'SKIPPED_DOWN'
        ? colour.yellow(view.outcome)
        : colour.red(view.outcome);
  return `${view.nodeIp}  ${outcome}  revision ${view.revision}${view.error ? `  ${view.error}` : ''}`;
}

const FAILED_OUTCOMES = [PushOutcome.PUSH_OUTCOME_FAILED, PushOutcome.PUSH_OUTCOME_REFUSED];

export function registerPush(program: Command): void {
  program
    .command('push')
    .description(
      'push the current config to every UP node now, printing each node as it finishes; exit 1 when a node failed or the push was refused',
    )
    .option('--force', 'push even what the drop guard refuses, and re-apply unchanged content')
    .option('--node <ip>', 'only this node')
    .option('--wait <duration>', 'how long to wait for the whole push', duration, 120_000)
    .option('--json', 'one JSON line per node result, then the summary')
    .action(
      async (
        options: { force?: boolean; node?: string; wait: number; json?: boolean },
        command: Command,
      ) => {
        await withClients(command, async ({ clients, colour }) => {
          const printed = new Set<string>();
          const print = (result: NodePushResult) => {
            const view = pushResultView(result);
            const key = `${view.nodeIp} ${view.revision} ${view.outcome} ${view.finishTime ?? ''}`;
            if (printed.has(key)) return;
            printed.add(key);
            emitLine(options.json, { event: 'result', ...view }, () =>
              formatPushResult(view, colour),
            );
          };
          // Progress: the results config-push publishes while PushNow runs.
          const progress = new AbortController();
          const started = Date.now();
          const stream = (async () => {
            try {
              for await (const event of clients
                .configPush()
                .watchPushes({}, { signal: progress.signal })) {
                const result = event.result;
                if (!result || (options.node && result.nodeIp !== options.node)) continue;
                if ((result.finishTime?.getTime() ?? 0) >= started - 1_000) print(result);
              }
            } catch (error) {
              if (!isAbortError(error))
                process.stderr.write(
                  `${asCliError('config-push', error).message} (progress stream)\n`,
                );
            }
          })();
          try {
            const response = await unary('config-push', options.wait, (call) =>
              clients
                .configPush()
                .pushNow({ force: options.force ?? false, nodeIp: options.node ?? '' }, call),
            );
            for (const result of response.results) print(result);
            const failed = response.results.filter((result) =>
              FAILED_OUTCOMES.includes(result.outcome),
            );
            emitLine(
              options.json,
              {
                event: 'summary',
                revision: response.revision,
                contentHash: response.contentHash,
                failed: failed.length,
                nodes: response.results.length,
              },
              () =>
                `revision ${response.revision} sha256 ${response.contentHash || '-'}: ${response.results.length - failed.length}/${response.results.length} nodes ok`,
            );
            if (failed.length > 0) setExitCode(ExitCode.FAILED);
          } finally {
            progress.abort();
            await stream;
          }
        });
      },
    );
}
