import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChannel, createClient, type Client } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  APPLY_SCRIPT,
  bearer,
  freePort,
  generateSshKey,
  LOOPBACK_INSTANCES_ENV,
  serviceEntry,
  startGatewayNode,
  startRedisServer,
  startServiceProcess,
  tempDir,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  type GatewayNode,
  type RedisServerHandle,
  type ServiceProcess,
} from '@gateway/testkit';
import { UNLIMITED_TOKENS_ENV } from '../support/services.js';
import { bothServe } from './served.js';

/** The backend every registered instance points at: answers this body. */
export const BACKEND_BODY = 'bench-backend';

/**
 * The local stack of the convergence benchmarks: redis-server, registry, health and
 * config-push as their own processes with their shipped defaults (quiescence 100 ms,
 * revision poll 2 s), two gateway nodes (nginx + sshd on their own loopback addresses,
 * declared to health as an operator would), and one backend on 127.0.0.1.
 */
export type BenchWorld = {
  readonly redis: RedisServerHandle;
  readonly nodes: readonly GatewayNode[];
  readonly registry: Client<typeof RegistryServiceDefinition>;
  readonly backendPort: number;
  /** The key config-push (and the floors) log in with. */
  readonly privateKeyPath: string;
  /** CONFIG_PUSH_WAIT_MIN of this run, in ms. */
  readonly quiescenceMs: number;
  /** Registers `group` → the backend; resolves with its revision once Register returned. */
  register(group: string): Promise<number>;
  close(): Promise<void>;
};

const PROFILED_ENTRY = fileURLToPath(new URL('./profiled-entry.js', import.meta.url));

export const NODE_IPS = ['127.0.0.61', '127.0.0.62'] as const;
const QUIESCENCE_MS = 100; // the shipped CONFIG_PUSH_WAIT_MIN

export async function startBenchWorld(options: { signal: AbortSignal }): Promise<BenchWorld> {
  const stops: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const key = generateSshKey();
    const dir = tempDir('bench-convergence');
    const backendPort = await freePort();
    const backend = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
      response.end(BACKEND_BODY);
    });
    await new Promise<void>((resolve) => backend.listen(backendPort, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => backend.close(() => resolve())));

    const redis = await startRedisServer();
    stops.push(() => redis.stop());
    const nodes: GatewayNode[] = [];
    for (const ip of NODE_IPS) {
      const node = await startGatewayNode(ip, key.publicKey);
      nodes.push(node);
      stops.push(() => node.stop());
    }
    const nodesFile = join(dir, 'nodes.json');
    writeFileSync(nodesFile, JSON.stringify(nodes.map((node) => node.spec())), { mode: 0o600 });
    // BENCH_PROFILE_DIR: every service writes a CPU profile there when it stops.
    const profileDir = process.env['BENCH_PROFILE_DIR'];
    const common = {
      REDIS_URL: redis.url,
      GATEWAY_TOKENS: TEST_TOKENS_ENV,
      LOG_LEVEL: 'warn',
      ...UNLIMITED_TOKENS_ENV,
    };
    const start = async (
      name: 'registry' | 'health' | 'config-push',
      env: Record<string, string>,
    ) => {
      const service: ServiceProcess = await startServiceProcess({
        name,
        entry: profileDir ? PROFILED_ENTRY : serviceEntry(name),
        env: {
          ...common,
          ...env,
          ...(profileDir
            ? {
                BENCH_PROFILE_DIR: profileDir,
                BENCH_PROFILED_ENTRY: serviceEntry(name),
                BENCH_PROFILED_NAME: name,
              }
            : {}),
        },
        timeoutMs: 30_000,
      });
      stops.push(async () => {
        await service.stop();
      });
      return service;
    };
    const registryProcess = await start('registry', {
      REGISTRY_LEASE_MAX: '1h',
      ...LOOPBACK_INSTANCES_ENV,
    });
    await start('health', { HEALTH_NODES_FILE: nodesFile });
    await start('config-push', {
      CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: key.privateKeyPath,
      CONFIG_PUSH_KNOWN_HOSTS_FILE: join(dir, 'known_hosts'),
      CONFIG_PUSH_REMOTE_COMMAND: APPLY_SCRIPT,
      CONFIG_PUSH_WAIT_MIN: `${QUIESCENCE_MS}ms`,
    });
    const channel = createChannel(registryProcess.address);
    stops.push(() => Promise.resolve(channel.close()));
    const registry = createClient(RegistryServiceDefinition, channel, {
      '*': bearer(TEST_TOKENS.admin),
    });
    const register = async (group: string) =>
      (
        await registry.register({
          instance: {
            group,
            host: '127.0.0.1',
            port: backendPort,
            weight: 1,
            backup: false,
            adminState: 0,
            metadata: {},
          },
          leaseDuration: { seconds: 3600, nanos: 0 },
        })
      ).revision;
    // Ready when a first registration reaches both nodes (health probed them UP, config-push leads).
    await register('warmup');
    await bothServe(
      nodes.map((node) => node.nginx.url),
      'warmup',
      BACKEND_BODY,
      {
        timeoutMs: 60_000,
        intervalMs: 100,
        signal: options.signal,
      },
    );
    return {
      redis,
      nodes,
      registry,
      backendPort,
      privateKeyPath: key.privateKeyPath,
      quiescenceMs: QUIESCENCE_MS,
      register,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
