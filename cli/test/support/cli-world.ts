import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPLY_SCRIPT,
  generateSshKey,
  serviceEntry,
  startGatewayNode,
  startRedisServer,
  startServiceProcess,
  tempDir,
  type GatewayNode,
  type RedisServerHandle,
  type ServiceProcess,
  LOOPBACK_INSTANCES_ENV,
} from '@gateway/testkit';

export const ADMIN_TOKEN = 'admin-token-0123456789';
export const CORE_TOKEN = 'core-token-0123456789';
const TOKENS = `admin:${ADMIN_TOKEN}\ncore:${CORE_TOKEN}\n`;

/**
 * A whole control plane for gatewayctl to drive: redis-server, the three services as
 * their own processes, two gateway nodes (nginx + sshd + the shipped apply script on
 * 127.0.0.2 and 127.0.0.3) not yet in the inventory, and a directory holding a context
 * file (.local-stack/context.json) as `npm start` writes it.
 */
export type CliWorld = {
  readonly redis: RedisServerHandle;
  readonly registry: ServiceProcess;
  readonly health: ServiceProcess;
  readonly configPush: ServiceProcess;
  readonly nodes: readonly GatewayNode[];
  /** A working directory whose .local-stack/context.json names the services and the token file. */
  readonly cwd: string;
  /** The environment naming the services and the admin token. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
};

export async function startCliWorld(options: { nodes?: 0 | 2 } = {}): Promise<CliWorld> {
  const stopping: (() => Promise<unknown>)[] = [];
  try {
    const redis = await startRedisServer();
    stopping.push(() => redis.stop());
    const secrets = tempDir('cli-secrets');
    const tokensFile = join(secrets, 'tokens');
    writeFileSync(tokensFile, TOKENS, { mode: 0o600 });
    const common = { REDIS_URL: redis.url, GATEWAY_TOKENS_FILE: tokensFile, LOG_LEVEL: 'warn' };
    const key = generateSshKey();
    const registry = await startServiceProcess({
      name: 'registry',
      entry: serviceEntry('registry'),
      env: {
        ...common,
        REGISTRY_LEASE_MAX: '1h',
        REGISTRY_REVISION_POLL_INTERVAL: '500ms',
        ...LOOPBACK_INSTANCES_ENV,
      },
    });
    stopping.push(() => registry.stop());
    const health = await startServiceProcess({
      name: 'health',
      entry: serviceEntry('health'),
      env: { ...common, HEALTH_POLL_INTERVAL: '1s', HEALTH_WATCH_REVISION_POLL: '500ms' },
    });
    stopping.push(() => health.stop());
    const configPush = await startServiceProcess({
      name: 'config-push',
      entry: serviceEntry('config-push'),
      env: {
        ...common,
        CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: key.privateKeyPath,
        CONFIG_PUSH_KNOWN_HOSTS_FILE: join(tempDir('known-hosts'), 'known_hosts'),
        CONFIG_PUSH_REMOTE_COMMAND: APPLY_SCRIPT,
        CONFIG_PUSH_WAIT_MIN: '150ms',
        CONFIG_PUSH_WAIT_MAX: '600ms',
        CONFIG_PUSH_REVISION_POLL_INTERVAL: '500ms',
        CONFIG_PUSH_SSH_CONNECT_TIMEOUT: '3s',
        CONFIG_PUSH_NODE_TIMEOUT: '8s',
        CONFIG_PUSH_RETRY_MIN: '500ms',
        CONFIG_PUSH_RETRY_MAX: '2s',
        CONFIG_PUSH_LEASE_TTL: '3s',
      },
    });
    stopping.push(() => configPush.stop());
    const nodes: GatewayNode[] = [];
    for (const ip of ['127.0.0.2', '127.0.0.3'].slice(0, options.nodes ?? 2)) {
      const node = await startGatewayNode(ip, key.publicKey, { reportVrrp: true });
      stopping.push(() => node.stop());
      nodes.push(node);
    }
    const cwd = tempDir('cli-cwd');
    mkdirSync(join(cwd, '.local-stack'));
    writeFileSync(
      join(cwd, '.local-stack', 'context.json'),
      JSON.stringify({
        registry: registry.address,
        health: health.address,
        configPush: configPush.address,
        tokenFile: tokensFile,
      }),
    );
    return {
      redis,
      registry,
      health,
      configPush,
      nodes,
      cwd,
      env: {
        GATEWAY_REGISTRY: registry.address,
        GATEWAY_HEALTH: health.address,
        GATEWAY_CONFIG_PUSH: configPush.address,
        GATEWAY_TOKEN: ADMIN_TOKEN,
      },
      close: () => stopAll(stopping),
    };
  } catch (error) {
    await stopAll(stopping);
    throw error;
  }
}

async function stopAll(stopping: (() => Promise<unknown>)[]): Promise<void> {
  for (const stop of stopping.reverse()) await stop().catch(() => undefined);
}
