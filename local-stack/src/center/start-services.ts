import { serviceEntry, startServiceProcess, type ServiceName } from '@gateway/testkit';
import { processPart } from '../lifecycle/process-part.js';
import type { StackParts } from '../lifecycle/stack-part.js';
import type { LineFormatter } from '../output/line-formatter.js';
import { relayOutput } from '../output/child-output.js';
import {
  GRPC_SERVICES,
  METRICS_PORTS,
  SERVICE_NAMES,
  SERVICE_PORTS,
  STACK_HOST,
} from '../ports/fixed-ports.js';
import type { StackFiles } from '../state/stack-files.js';
import { allOrFirstError } from '../lifecycle/all-or-first-error.js';
import { assertOwnService } from './service-ownership.js';
import type { StackTransport } from './stack-tls.js';

/** A service's drain bound (SHUTDOWN_TIMEOUT 4 s by default, +2 s its hard stop) and some slack. */
const SERVICE_GRACE_MS = 8_000;

export type RunningService = {
  readonly name: ServiceName;
  readonly address: string;
  readonly grpcService: string;
  /** host:port of its /metrics, /healthz and /readyz. */
  readonly metricsAddress: string;
};

/**
 * Starts registry, health and config-push (together: they need only Redis) on their fixed ports
 * against the stack's redis-server, each checked to be SERVING its own gRPC service
 * from the process the stack spawned. Each is added to `parts` as soon as it runs.
 */
export async function startServices(options: {
  redisUrl: string;
  files: StackFiles;
  logLevel: string;
  /** The declared node inventory (HEALTH_NODES_FILE), when the stack runs nodes. */
  healthNodesFile: string | undefined;
  /** config-push's remote command (the node-side apply script, run without sudo here). */
  remoteCommand: string;
  transport: StackTransport;
  format: LineFormatter;
  parts: StackParts;
}): Promise<RunningService[]> {
  const { files } = options;
  const start = async (name: ServiceName): Promise<RunningService> => {
    const port = SERVICE_PORTS[name];
    let flushed: Promise<void> = Promise.resolve();
    const service = await startServiceProcess({
      name,
      entry: serviceEntry(name),
      host: STACK_HOST,
      port,
      healthService: GRPC_SERVICES[name],
      metricsListen: `${STACK_HOST}:${METRICS_PORTS[name]}`,
      ownProcessGroup: true,
      timeoutMs: 30_000,
      ...(options.transport.client ? { clientTls: options.transport.client } : {}),
      onSpawn: (child) => {
        flushed = relayOutput(name, child, options.format);
      },
      env: {
        REDIS_URL: options.redisUrl,
        GATEWAY_TOKENS_FILE: files.tokensFile,
        LOG_LEVEL: options.logLevel,
        // The stack's gateway-core instances listen on loopback, which the registry
        // refuses unless asked: the stack asks in the open.
        ...(name === 'registry' ? { REGISTRY_ALLOWED_HOSTS: '*,127.0.0.0/8' } : {}),
        ...options.transport.serviceEnv,
        ...(name === 'health' && options.healthNodesFile
          ? {
              HEALTH_NODES_FILE: options.healthNodesFile,
              // Nodes missing from Redis (FLUSHALL, a restart without data) come back within this.
              HEALTH_INVENTORY_RECONCILE_INTERVAL: '5s',
            }
          : {}),
        ...(name === 'config-push'
          ? {
              CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: files.sshKeyFile,
              CONFIG_PUSH_KNOWN_HOSTS_FILE: files.knownHostsFile,
              CONFIG_PUSH_REMOTE_COMMAND: options.remoteCommand,
            }
          : {}),
      },
    });
    options.parts.services.push(
      processPart({ name, process: service.process, graceMs: SERVICE_GRACE_MS, flushed }),
    );
    assertOwnService(name, service.process, port);
    return {
      name,
      address: service.address,
      grpcService: GRPC_SERVICES[name],
      metricsAddress: `${STACK_HOST}:${METRICS_PORTS[name]}`,
    };
  };
  return await allOrFirstError(SERVICE_NAMES.map(start));
}
