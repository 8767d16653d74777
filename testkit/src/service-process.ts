import { createChannel, createClient } from 'nice-grpc';
import { channelCredentials, type ClientTlsFiles } from '@gateway/shared';
import { HealthDefinition } from 'nice-grpc-server-health';
import { freePort } from './free-port.js';
import { isRunning, startProcess, type ManagedProcess } from './managed-process.js';
import { StopWaiting, waitFor } from './wait-for.js';

export type ServiceProcess = {
  /** host:port of its gRPC server. */
  readonly address: string;
  /** host:port of its /metrics, /healthz and /readyz (undefined when METRICS_LISTEN is off). */
  readonly metricsAddress: string | undefined;
  readonly process: ManagedProcess;
  /** SIGTERM, then SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): ReturnType<ManagedProcess['stop']>;
};

const SERVING = 1;

/**
 * Starts a compiled service entry (`dist/src/main.js`) as its own node process on a
 * free port and waits until its grpc.health.v1 status is SERVING.
 */
export async function startServiceProcess(options: {
  name: string;
  entry: string;
  env: Record<string, string>;
  timeoutMs?: number;
  /** Address to listen on (default 127.0.0.1); e.g. a test network's root address, to be reachable from namespaces. */
  host?: string;
  /** Port to listen on (default a free one). */
  port?: number;
  /**
   * METRICS_LISTEN (default a free port on `host`, so parallel tests never collide on the
   * services' fixed defaults); 'off' for none.
   */
  metricsListen?: string;
  /** Run in its own process group (see startProcess). */
  ownProcessGroup?: boolean;
  /** The grpc.health.v1 service name that must be SERVING (default '', the server as a whole). */
  healthService?: string;
  /** How the readiness check reaches a TLS-serving process (default plaintext). */
  clientTls?: ClientTlsFiles;
  /** Node options before the entry, e.g. `--cpu-prof --cpu-prof-dir=/tmp/x` to profile the service. */
  nodeArgs?: readonly string[];
  /** Called with the process as soon as it is spawned (e.g. to relay its output from the first line). */
  onSpawn?: (child: ManagedProcess) => void;
}): Promise<ServiceProcess> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const address = `${host}:${port}`;
  const metricsListen =
    options.env['METRICS_LISTEN'] ?? options.metricsListen ?? `${host}:${await freePort(host)}`;
  const child = startProcess(
    options.name,
    process.execPath,
    [...(options.nodeArgs ?? []), options.entry],
    {
      env: {
        PATH: process.env['PATH'] ?? '',
        LOG_LEVEL: 'info',
        ...options.env,
        METRICS_LISTEN: metricsListen,
        GRPC_LISTEN: address,
      },
      ownProcessGroup: options.ownProcessGroup ?? false,
    },
  );
  options.onSpawn?.(child);
  const channel = createChannel(address, channelCredentials(options.clientTls));
  const health = createClient(HealthDefinition, channel);
  const healthService = options.healthService ?? '';
  try {
    await waitFor(
      `${options.name} to be SERVING on ${address}${healthService ? ` (${healthService})` : ''}`,
      async () => {
        if (!isRunning(child))
          throw new StopWaiting(`${options.name} exited: ${child.output().slice(-2000)}`);
        const response = await health.check(
          { service: healthService },
          { signal: AbortSignal.timeout(1_000) },
        );
        return Number(response.status) === SERVING;
      },
      { timeoutMs: options.timeoutMs ?? 15_000, intervalMs: 50 },
    );
  } catch (error) {
    await child.stop('SIGKILL');
    throw error;
  } finally {
    channel.close();
  }
  return {
    address,
    metricsAddress: /^(off|none|disabled)?$/i.test(metricsListen.trim())
      ? undefined
      : metricsListen,
    process: child,
    stop: (timeoutMs = 5_000) => child.stop('SIGTERM', timeoutMs),
  };
}
