import type { Command } from 'commander';
import type { NodeSpec } from '@gateway/proto/health';
import { setExitCode, withClients } from '../command-context.js';
import { unary } from '../connection/call.js';
import { ExitCode, failure } from '../exit-codes.js';
import { emit } from '../output/emit.js';
import { formatTable } from '../output/table.js';
import { ago } from '../output/time.js';
import { nodeView, probeView, type NodeView } from '../output/views.js';
import { integerIn } from './parse-values.js';

/** The upstream file of a node installed as docs/deployment.md says. */
const DEFAULT_CONFIG_PATH = '/etc/nginx/gateway/gateway-upstreams.conf';

type SpecFlags = {
  healthUrl?: string;
  sshHost?: string;
  sshPort?: number;
  sshUser?: string;
  hostKey?: string;
  configPath?: string;
  label?: string;
  json?: boolean;
};

function nodeRows(nodes: readonly NodeView[]): string {
  return formatTable(
    ['NODE', 'LABEL', 'HEALTH', 'SINCE', 'REASON', 'SSH'],
    nodes.map((node) => [
      node.ip,
      node.label || '-',
      node.stale ? `${node.status} (stale)` : node.status,
      ago(node.since ? new Date(node.since) : undefined),
      node.reason || '-',
      node.ssh ? `${node.ssh.user}@${node.ssh.host}:${node.ssh.port}` : '-',
    ]),
  );
}

function describeNode(node: NodeView): string {
  return Object.entries(node)
    .map(
      ([key, value]) =>
        `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value ?? '-')}`,
    )
    .join('\n');
}

/** A NodeSpec from flags over a base (the node's current spec for update); the service validates it. */
function specFrom(ip: string, flags: SpecFlags, base?: NodeSpec): NodeSpec {
  const ssh = base?.ssh ?? { host: ip, port: 22, user: 'gateway-push', hostKey: '' };
  return {
    ip,
    healthUrl: flags.healthUrl ?? base?.healthUrl ?? '',
    configPath: flags.configPath ?? base?.configPath ?? '',
    label: flags.label ?? base?.label ?? '',
    ssh: {
      host: flags.sshHost ?? ssh.host,
      port: flags.sshPort ?? ssh.port,
      user: flags.sshUser ?? ssh.user,
      hostKey: flags.hostKey ?? ssh.hostKey,
    },
  };
}

function specOptions(command: Command): Command {
  return command
    .option('--health-url <url>', "the node's /healthz URL (default http://<ip>/healthz)")
    .option('--ssh-host <host>', 'SSH host config-push pushes to (default the ip)')
    .option('--ssh-port <port>', 'SSH port (default 22)', integerIn(1, 65535))
    .option('--ssh-user <user>', 'SSH user (default gateway-push)')
    .option('--host-key <key>', 'pinned SSH host key, "<type> <base64>"')
    .option(
      '--config-path <path>',
      `the upstream file on the node (default ${DEFAULT_CONFIG_PATH})`,
    )
    .option('--label <label>', 'a name for people')
    .option('--json', 'print the node as JSON');
}

export function registerNodes(program: Command): void {
  const nodes = program.command('nodes').description('the Nginx nodes in the health inventory');

  nodes
    .command('list')
    .description('every node with its health')
    .option('--json', 'print the nodes as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients }) => {
        const response = await unary('health', clients.endpoints.timeoutMs, (call) =>
          clients.health().listNodes({}, call),
        );
        const views = response.nodes.map(nodeView);
        emit(options.json, views, () => nodeRows(views));
      });
    });

  nodes
    .command('get')
    .description('one node by ip; an unknown node is exit 1')
    .argument('<ip>', 'node address')
    .option('--json', 'print the node as JSON')
    .action(async (ip: string, options: { json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients }) => {
        const response = await unary('health', clients.endpoints.timeoutMs, (call) =>
          clients.health().getNode({ ip }, call),
        );
        if (!response.node) throw failure(`node ${ip}: no answer`);
        const view = nodeView(response.node);
        emit(options.json, view, () => describeNode(view));
      });
    });

  specOptions(
    nodes
      .command('add')
      .description('add a node to the inventory')
      .argument('<ip>', 'node address'),
  ).action(async (ip: string, options: SpecFlags, command: Command) => {
    await withClients(command, async ({ clients }) => {
      const spec = specFrom(ip, { configPath: DEFAULT_CONFIG_PATH, ...options });
      const response = await unary('health', clients.endpoints.timeoutMs, (call) =>
        clients.health().addNode({ node: spec }, call),
      );
      const view = response.node ? nodeView(response.node) : undefined;
      emit(options.json, view, () => `added ${ip}`);
    });
  });

  specOptions(
    nodes
      .command('update')
      .description("change a node's spec (flags not given keep their value)")
      .argument('<ip>', 'node address'),
  ).action(async (ip: string, options: SpecFlags, command: Command) => {
    await withClients(command, async ({ clients }) => {
      const current = await unary('health', clients.endpoints.timeoutMs, (call) =>
        clients.health().getNode({ ip }, call),
      );
      const spec = specFrom(ip, options, current.node?.spec);
      const response = await unary('health', clients.endpoints.timeoutMs, (call) =>
        clients.health().updateNode({ node: spec }, call),
      );
      const view = response.node ? nodeView(response.node) : undefined;
      emit(options.json, view, () => `updated ${ip}`);
    });
  });

  nodes
    .command('remove')
    .description('remove a node from the inventory')
    .argument('<ip>', 'node address')
    .option('--json', 'print the result as JSON')
    .action(async (ip: string, options: { json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients }) => {
        await unary('health', clients.endpoints.timeoutMs, (call) =>
          clients.health().removeNode({ ip }, call),
        );
        emit(options.json, { ip, removed: true }, () => `removed ${ip}`);
      });
    });

  nodes
    .command('probe')
    .description('probe one node (or all) now; exit 1 when a probed node is unhealthy')
    .argument('[ip]', 'node address (default every node)')
    .option('--json', 'print the probe results as JSON')
    .action(async (ip: string | undefined, options: { json?: boolean }, command: Command) => {
      await withClients(command, async ({ clients }) => {
        const response = await unary('health', clients.endpoints.timeoutMs, (call) =>
          clients.health().probeNow({ ip: ip ?? '' }, call),
        );
        const views = response.results.map(probeView);
        emit(options.json, views, () =>
          formatTable(
            ['NODE', 'HEALTHY', 'STATUS', 'LATENCY', 'ERROR'],
            views.map((view) => [
              view.ip,
              view.healthy ? 'yes' : 'no',
              view.status,
              view.latencyMs === undefined ? '-' : `${view.latencyMs} ms`,
              view.error || '-',
            ]),
          ),
        );
        if (views.some((view) => !view.healthy)) setExitCode(ExitCode.FAILED);
      });
    });
}
