import type { Command } from 'commander';
import { isAbortError } from 'abort-controller-x';
import { changeTypeToJSON } from '@gateway/proto/registry';
import { withClients } from '../command-context.js';
import { asCliError } from '../connection/call.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { emitLine } from '../output/emit.js';
import { instanceView, nodeView, pushResultView } from '../output/views.js';
import { integerIn } from './parse-values.js';
import { formatPushResult } from './push.js';

type WatchFlags = { json?: boolean; count?: number; group?: string };

/**
 * Streams until Ctrl-C / SIGTERM (exit 0), `--count` events (exit 0) or the stream
 * breaks or is closed by the service (exit 3: the service went away).
 */
async function follow<T>(
  service: string,
  open: (signal: AbortSignal) => AsyncIterable<T>,
  options: WatchFlags,
  print: (event: T) => void,
): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let seen = 0;
  try {
    for await (const event of open(controller.signal)) {
      print(event);
      seen += 1;
      if (options.count !== undefined && seen >= options.count) return;
    }
    // A stream the service closed (it is shutting down) is not a clean end for a watcher.
    if (!controller.signal.aborted)
      throw new CliError(ExitCode.UNREACHABLE, `${service}: the service ended the stream`);
  } catch (error) {
    if (!(isAbortError(error) && controller.signal.aborted)) throw asCliError(service, error);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function watchCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .option('--count <n>', 'stop after this many events', integerIn(1, 1_000_000))
    .option('--json', 'one JSON document per line');
}

export function registerWatch(program: Command): void {
  const watch = program
    .command('watch')
    .description('follow changes as they happen (Ctrl-C stops)');

  watchCommand(
    watch,
    'instances',
    'registry changes: a snapshot, then every registration, update, removal and expiry',
  )
    .option('--group <group>', 'only this group')
    .action(async (options: WatchFlags, command: Command) => {
      await withClients(command, async ({ clients }) => {
        await follow(
          'registry',
          (signal) => clients.registry().watchInstances({ group: options.group ?? '' }, { signal }),
          options,
          (event) => {
            const data =
              event.event?.$case === 'snapshot'
                ? {
                    revision: event.revision,
                    snapshot: event.event.value.instances.map(instanceView),
                  }
                : event.event?.$case === 'change'
                  ? {
                      revision: event.revision,
                      change: changeTypeToJSON(event.event.value.type).replace(/^CHANGE_TYPE_/, ''),
                      id: event.event.value.instanceId,
                      instance: event.event.value.instance
                        ? instanceView(event.event.value.instance)
                        : undefined,
                    }
                  : { revision: event.revision };
            emitLine(options.json, data, () =>
              'snapshot' in data && data.snapshot
                ? `revision ${data.revision}: snapshot of ${data.snapshot.length} instances`
                : 'change' in data
                  ? `revision ${data.revision}: ${data.change} ${data.id}`
                  : `revision ${data.revision}`,
            );
          },
        );
      });
    });

  watchCommand(watch, 'nodes', 'node health: a snapshot, then every change').action(
    async (options: WatchFlags, command: Command) => {
      await withClients(command, async ({ clients }) => {
        await follow(
          'health',
          (signal) => clients.health().watchNodes({}, { signal }),
          options,
          (event) => {
            const nodes = event.nodes.map(nodeView);
            emitLine(options.json, { snapshot: event.snapshot, nodes }, () =>
              nodes
                .map(
                  (node) =>
                    `${event.snapshot ? 'snapshot' : 'change'}  ${node.ip}  ${node.status}${node.stale ? ' (stale)' : ''}  ${node.reason}`,
                )
                .join('\n'),
            );
          },
        );
      });
    },
  );

  watchCommand(watch, 'pushes', 'every push result on every node').action(
    async (options: WatchFlags, command: Command) => {
      await withClients(command, async ({ clients, colour }) => {
        await follow(
          'config-push',
          (signal) => clients.configPush().watchPushes({}, { signal }),
          options,
          (event) => {
            if (!event.result) return;
            const view = pushResultView(event.result);
            emitLine(options.json, view, () => formatPushResult(view, colour));
          },
        );
      });
    },
  );
}
