import { Option, type Command } from 'commander';
import { AdminState, type InstanceSpec } from '@gateway/proto/registry';
import { withClients } from '../command-context.js';
import { unary } from '../connection/call.js';
import type { Clients } from '../connection/clients.js';
import { failure } from '../exit-codes.js';
import { emit } from '../output/emit.js';
import { formatTable } from '../output/table.js';
import { instanceView, type InstanceView } from '../output/views.js';
import { listAllInstances } from '../status/list-all-instances.js';
import { duration, integerIn, keyValue, protoDuration } from './parse-values.js';

function instanceRows(instances: readonly InstanceView[]): string {
  return formatTable(
    ['ID', 'WEIGHT', 'STATE', 'BACKUP', 'LEASE EXPIRES', 'REVISION'],
    instances.map((instance) => [
      instance.id,
      String(instance.weight),
      instance.adminState,
      instance.backup ? 'yes' : 'no',
      instance.leaseExpireTime ?? '-',
      String(instance.revision),
    ]),
  );
}

/** The instance with this id (`<group>/<host>/<port>`), read from its group's list; unknown is exit 1. */
export async function findInstance(clients: Clients, id: string) {
  const group = id.split('/')[0] ?? '';
  const found = (await listAllInstances(clients, group)).instances.find(
    (instance) => instance.id === id,
  );
  if (!found) throw failure(`instance ${id} is not registered`);
  return found;
}

type RegisterFlags = {
  group: string;
  host: string;
  port: number;
  weight: number;
  maxFails?: number;
  failTimeout?: number;
  backup?: boolean;
  lease?: number;
  meta?: Record<string, string>;
  json?: boolean;
};

export function registerInstances(program: Command): void {
  const instances = program
    .command('instances')
    .description('the gateway-core instances in the registry');

  instances
    .command('list')
    .description('every instance (of one group with --group)')
    .option('--group <group>', 'only this group')
    .option('--json', 'print the instances as JSON')
    .action(async (options: { group?: string; json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients }) => {
        const response = await listAllInstances(clients, options.group ?? '');
        const views = response.instances.map(instanceView);
        emit(options.json, { revision: response.revision, instances: views }, () =>
          instanceRows(views),
        );
      });
    });

  instances
    .command('get')
    .description('one instance by id (<group>/<host>/<port>)')
    .argument('<id>', 'instance id, e.g. default/10.0.0.1/8080')
    .option('--json', 'print the instance as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients }) => {
        const view = instanceView(await findInstance(clients, id));
        emit(options.json, view, () =>
          Object.entries(view)
            .map(
              ([key, value]) =>
                `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
            )
            .join('\n'),
        );
      });
    });

  instances
    .command('register')
    .description(
      'register (or update) an instance; it expires after its lease unless something heartbeats it',
    )
    .requiredOption('--group <group>', 'upstream group')
    .requiredOption('--host <host>', 'address Nginx connects to')
    .requiredOption('--port <port>', 'port', integerIn(1, 65535))
    .option('--weight <n>', 'Nginx weight', integerIn(1, 1000), 1)
    .option('--max-fails <n>', 'Nginx max_fails', integerIn(0, 1000))
    .option('--fail-timeout <duration>', 'Nginx fail_timeout (e.g. 10s)', duration)
    .option('--backup', 'a backup server of its group')
    .option('--lease <duration>', 'lease (the registry bounds it; default its own)', duration)
    .option('--meta <key=value>', 'metadata, repeatable', keyValue)
    .option('--json', 'print the registered instance as JSON')
    .action(async (options: RegisterFlags, command: Command) => {
      await withClients(command, async ({ clients }) => {
        const spec: InstanceSpec = {
          group: options.group,
          host: options.host,
          port: options.port,
          weight: options.weight,
          maxFails: options.maxFails,
          failTimeout:
            options.failTimeout === undefined ? undefined : protoDuration(options.failTimeout),
          backup: options.backup ?? false,
          adminState: AdminState.ADMIN_STATE_ENABLED,
          metadata: options.meta ?? {},
        };
        const leaseDuration =
          options.lease === undefined ? undefined : protoDuration(options.lease);
        const response = await unary('registry', clients.endpoints.timeoutMs, (call) =>
          clients.registry().register({ instance: spec, leaseDuration }, call),
        );
        const view = response.instance ? instanceView(response.instance) : undefined;
        emit(
          options.json,
          { created: response.created, revision: response.revision, instance: view },
          () =>
            `${response.created ? 'registered' : 'updated'} ${view?.id ?? ''} (revision ${response.revision})`,
        );
      });
    });

  instances
    .command('deregister')
    .description('remove an instance at once')
    .argument('<id>', 'instance id')
    .option('--json', 'print the new registry revision as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients }) => {
        const response = await unary('registry', clients.endpoints.timeoutMs, (call) =>
          clients.registry().deregister({ instanceId: id }, call),
        );
        emit(
          options.json,
          { id, revision: response.revision },
          () => `deregistered ${id} (revision ${response.revision})`,
        );
      });
    });

  instances
    .command('drain')
    .description(
      'mark an instance DRAINING (Nginx stops sending it new requests); --undo enables it again',
    )
    .argument('<id>', 'instance id')
    .addOption(new Option('--undo', 'set it back to ENABLED'))
    .option('--json', 'print the updated instance as JSON')
    .action(async (id: string, options: { undo?: boolean; json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients }) => {
        const current = await findInstance(clients, id);
        if (!current.spec) throw failure(`instance ${id} has no spec`);
        const adminState = options.undo
          ? AdminState.ADMIN_STATE_ENABLED
          : AdminState.ADMIN_STATE_DRAINING;
        const response = await unary('registry', clients.endpoints.timeoutMs, (call) =>
          clients
            .registry()
            .register(
              { instance: { ...current.spec!, adminState }, leaseDuration: current.leaseDuration },
              call,
            ),
        );
        const view = response.instance ? instanceView(response.instance) : undefined;
        emit(
          options.json,
          { revision: response.revision, instance: view },
          () => `${id} is ${view?.adminState ?? '?'} (revision ${response.revision})`,
        );
      });
    });
}
