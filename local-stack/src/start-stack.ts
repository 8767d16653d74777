import { existsSync } from 'node:fs';
import { APPLY_SCRIPT, serviceEntry } from '@gateway/testkit';
import { startRedis } from './center/start-redis.js';
import { GATEWAYCTL_ENTRY, startConsole } from './center/start-console.js';
import { startServices } from './center/start-services.js';
import { stackTransport } from './center/stack-tls.js';
import { declareNodes } from './data-plane/declare-nodes.js';
import { CORE_ENTRY, startCores, type RunningCore } from './data-plane/start-cores.js';
import { startNodes } from './data-plane/start-nodes.js';
import { waitForRoutes } from './data-plane/wait-for-routes.js';
import type { StackParts } from './lifecycle/stack-part.js';
import type { LineFormatter } from './output/line-formatter.js';
import type { Logger } from './output/stack-logger.js';
import { SERVICE_NAMES } from './ports/fixed-ports.js';
import type { StackDescription } from './stack-description.js';
import type { StackOptions } from './stack-options.js';
import { writeContextFile } from './state/context-file.js';
import type { StackFiles } from './state/stack-files.js';

/** Fails naming the first compiled entry the stack runs that is missing (no build yet). */
export function assertBuilt(dataPlane: boolean): void {
  const entries = [
    ...SERVICE_NAMES.map(serviceEntry),
    GATEWAYCTL_ENTRY,
    ...(dataPlane ? [CORE_ENTRY] : []),
  ];
  const missing = entries.find((entry) => !existsSync(entry));
  if (missing)
    throw new Error(`${missing} is missing: run \`npm run setup\` (or \`npm run build\`)`);
}

/**
 * Starts everything, adding each part to `parts` as soon as it runs (so a failure or a
 * signal midway stops what is there): redis-server, the nodes, the three services (health
 * with the nodes as its declared inventory), then the cores, and waits until both nodes
 * route to them.
 */
export async function startStack(options: {
  stack: StackOptions;
  files: StackFiles;
  format: LineFormatter;
  logger: Logger;
  parts: StackParts;
}): Promise<StackDescription> {
  const { files, format, logger, parts } = options;
  const logLevel = options.stack.logLevel;
  const redisUrl = await startRedis(parts);
  logger.info({ redis: redisUrl }, 'redis-server is up');
  const nodes = options.stack.dataPlane ? await startNodes(files.sshPublicKey, parts) : [];
  if (nodes.length > 0) logger.info({ nodes: nodes.map((node) => node.nginx.url) }, 'nodes are up');
  const healthNodesFile = nodes.length > 0 ? declareNodes(files.dir, nodes) : undefined;
  const transport = stackTransport(options.stack.tls);
  const services = await startServices({
    transport,
    redisUrl,
    files,
    logLevel,
    healthNodesFile,
    remoteCommand: APPLY_SCRIPT,
    format,
    parts,
  });
  const address = (name: string) =>
    services.find((service) => service.name === name)?.address ?? '';
  writeContextFile(
    files.dir,
    {
      registry: address('registry'),
      health: address('health'),
      configPush: address('config-push'),
    },
    transport.client,
  );
  const consoleUrl = await startConsole({
    registry: address('registry'),
    health: address('health'),
    configPush: address('config-push'),
    adminToken: files.tokens.admin,
    tlsEnv: transport.coreEnv,
    format,
    parts,
  });
  logger.info({ console: consoleUrl }, 'the status console is up');
  let cores: RunningCore[] = [];
  if (nodes.length > 0) {
    cores = await startCores({
      registryAddress: address('registry'),
      coreToken: files.tokens.core,
      logLevel,
      tlsEnv: transport.coreEnv,
      format,
      parts,
    });
    await waitForRoutes(
      nodes,
      cores.map((core) => core.id),
    );
  }
  return {
    redisUrl,
    services,
    console: consoleUrl,
    tokens: files.tokens,
    tokensFile: files.tokensFile,
    sshPublicKeyFile: `${files.sshKeyFile}.pub`,
    nodes: nodes.map((node) => ({
      ip: node.ip,
      url: `${node.nginx.url}/`,
      ssh: `${node.sshd.user}@${node.ip}:${node.sshd.port}`,
      renderedFile: node.livePath,
    })),
    cores,
    clientTls: transport.client,
  };
}
