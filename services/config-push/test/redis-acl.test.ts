import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { NodeHealthServiceDefinition } from '@gateway/proto/health';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { RedisKeys } from '@gateway/shared';
import {
  bearer,
  DEPLOY_DIR,
  generateSshKey,
  serviceEntry,
  startAlertReceiver,
  startGatewayNode,
  startRedisServer,
  LOOPBACK_INSTANCES_ENV,
  startServiceProcess,
  tempDir,
  TEST_SECRETS,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  waitFor,
  type AlertReceiver,
  type GatewayNode,
  type RedisServerHandle,
  type ServiceProcess,
} from '@gateway/testkit';
import {
  configPushEnv,
  CONFIG_PUSH_ENTRY,
  startBackend,
  type Backend,
} from './support/push-fixture.js';

const USERS = {
  registry: { name: 'gateway-registry', password: TEST_SECRETS.registryRedisPassword },
  health: { name: 'gateway-health', password: TEST_SECRETS.healthRedisPassword },
  'config-push': { name: 'gateway-config-push', password: TEST_SECRETS.configPushRedisPassword },
} as const;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** deploy/redis/users.acl with the test passwords, and an admin user for the test's own checks. */
function renderAclFile(): string {
  let text = readFileSync(join(DEPLOY_DIR, 'redis', 'users.acl'), 'utf8');
  for (const [service, user] of Object.entries(USERS))
    text = text.replace(`<${service}-password-sha256>`, sha256(user.password));
  assert.doesNotMatch(text, /<[a-z-]+-password-sha256>/, 'every placeholder filled');
  const file = join(tempDir('redis-acl'), 'users.acl');
  writeFileSync(file, `${text}\nuser test-admin on >${TEST_SECRETS.redisPassword} ~* &* +@all\n`);
  return file;
}

/** The redis.conf line of the shipped configuration that sets the eviction policy. */
function shippedEvictionPolicy(): string {
  const line = readFileSync(join(DEPLOY_DIR, 'redis', 'redis.conf'), 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('maxmemory-policy '));
  assert.ok(line, 'deploy/redis/redis.conf sets maxmemory-policy');
  return line;
}

describe('Redis ACL users (deploy/redis/users.acl): each service with least privilege', () => {
  let redis: RedisServerHandle;
  let node: GatewayNode;
  let robot: AlertReceiver;
  let backend: Backend;
  const services: ServiceProcess[] = [];
  const channels: Channel[] = [];
  const url = (service: keyof typeof USERS) =>
    `redis://${USERS[service].name}:${USERS[service].password}@127.0.0.1:${redis.port}`;

  const aclDenials = async () =>
    ((await redis.client.call('ACL', 'LOG')) as unknown[][]).map((entry) => {
      const fields: Record<string, unknown> = {};
      for (let i = 0; i + 1 < entry.length; i += 2) fields[String(entry[i])] = entry[i + 1];
      return `${String(fields['username'])}: ${String(fields['reason'])} ${String(fields['object'])} (${String(fields['context'])})`;
    });

  beforeAll(async () => {
    assert.equal(shippedEvictionPolicy(), 'maxmemory-policy noeviction');
    redis = await startRedisServer({
      aclFile: renderAclFile(),
      username: 'test-admin',
      password: TEST_SECRETS.redisPassword,
      config: [shippedEvictionPolicy()],
    });
    const key = generateSshKey(tempDir('ssh-key'), 'id_ed25519', TEST_SECRETS.sshKeyPassphrase);
    node = await startGatewayNode('127.0.0.2', key.publicKey);
    robot = await startAlertReceiver();
    backend = await startBackend('acl-backend');
    const dingTalk = {
      URL: `${robot.url}/robot/send?access_token=acl-test-token`,
      SECRET: TEST_SECRETS.dingTalkSecret,
    };
    const start = async (options: Parameters<typeof startServiceProcess>[0]) => {
      try {
        services.push(await startServiceProcess(options));
      } catch (error) {
        // What the user was refused says which line of users.acl is short.
        throw new Error(
          `${options.name} did not start; ACL LOG: ${(await aclDenials()).join('; ')}`,
          {
            cause: error,
          },
        );
      }
    };
    await start({
      name: 'registry',
      entry: serviceEntry('registry'),
      env: {
        REDIS_URL: url('registry'),
        GATEWAY_TOKENS: TEST_TOKENS_ENV,
        ...LOOPBACK_INSTANCES_ENV,
      },
    });
    await start({
      name: 'health',
      entry: serviceEntry('health'),
      env: {
        REDIS_URL: url('health'),
        GATEWAY_TOKENS: TEST_TOKENS_ENV,
        HEALTH_POLL_INTERVAL: '1s',
        HEALTH_PROBE_TIMEOUT: '1s',
        HEALTH_PROBE_CONNECT_TIMEOUT: '500ms',
        HEALTH_FALL: '1',
        HEALTH_ALERT_DINGTALK_URL: dingTalk.URL,
        HEALTH_ALERT_DINGTALK_SECRET: dingTalk.SECRET,
      },
    });
    await start({
      name: 'config-push',
      entry: CONFIG_PUSH_ENTRY,
      env: configPushEnv(url('config-push'), key.privateKeyPath, {
        CONFIG_PUSH_SSH_PRIVATE_KEY_PASSPHRASE: TEST_SECRETS.sshKeyPassphrase,
        CONFIG_PUSH_ALERT_DINGTALK_URL: dingTalk.URL,
        CONFIG_PUSH_ALERT_DINGTALK_SECRET: dingTalk.SECRET,
      }),
    });
  });
  afterAll(async () => {
    for (const channel of channels) channel.close();
    for (const service of services.reverse()) await service.stop();
    await backend?.close();
    await robot?.close();
    await node?.stop();
    await redis?.stop();
  });

  it('registration, probing, pushing and both services’ alerts all work under the services’ own users, with no command refused', async () => {
    const [registryProcess, healthProcess] = services as [ServiceProcess, ServiceProcess];
    const healthChannel = createChannel(healthProcess.address);
    const registryChannel = createChannel(registryProcess.address);
    channels.push(healthChannel, registryChannel);
    const health = createClient(NodeHealthServiceDefinition, healthChannel, {
      '*': bearer(TEST_TOKENS.admin),
    });
    const registry = createClient(RegistryServiceDefinition, registryChannel, {
      '*': bearer(TEST_TOKENS.core),
    });
    const spec = node.spec();
    await health.addNode({
      node: { ...spec, ssh: { ...spec.ssh, hostKey: spec.ssh.hostKey ?? '' } },
    });
    await waitFor('the node probed UP', async () =>
      (await redis.client.get(RedisKeys.healthStatus(node.ip)))?.includes('UP'),
    );
    await registry.register({
      instance: {
        group: 'default',
        host: '127.0.0.1',
        port: backend.port,
        weight: 1,
        backup: false,
        adminState: 0,
        metadata: {},
      },
      leaseDuration: { seconds: 300, nanos: 0 },
    });
    await waitFor(
      'the node to run a config with the instance',
      () => readFileSync(node.livePath, 'utf8').includes(`127.0.0.1:${backend.port}`),
      { timeoutMs: 30_000 },
    ).catch(async (error: unknown) => {
      throw new Error(`no push; ACL LOG: ${(await aclDenials()).join('; ')}`, { cause: error });
    });

    // config-push's own alert path: the only instance leaves, the render guard alerts.
    await registry.deregister({ instanceId: `default/127.0.0.1/${backend.port}` });
    await waitFor(
      'config-push’s all_instances_gone alert at the DingTalk robot',
      () =>
        robot.received.find(
          (request) =>
            request.path === '/robot/send' &&
            JSON.stringify(request.body).includes('all_instances_gone'),
        ),
      { timeoutMs: 30_000 },
    );

    await node.nginx.stop();
    await waitFor(
      'the node_down alert at the DingTalk robot',
      () =>
        robot.received.find(
          (request) =>
            request.path === '/robot/send' &&
            JSON.stringify(request.body).includes('node_down') &&
            request.query.get('sign') !== null,
        ),
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(await aclDenials(), [], 'no command, key or channel refused to any service');
  });

  it('refuses what a service’s user may not do: admin commands, other services’ keys, writes to what it only reads', async () => {
    await redis.client.call('ACL', 'LOG', 'RESET');
    const as = (service: keyof typeof USERS) => {
      const client = new Redis({
        port: redis.port,
        host: '127.0.0.1',
        username: USERS[service].name,
        password: USERS[service].password,
        maxRetriesPerRequest: 0,
        lazyConnect: true,
      });
      client.on('error', () => undefined);
      return client;
    };
    const registryUser = as('registry');
    const pushUser = as('config-push');
    try {
      await assert.rejects(registryUser.flushall(), /NOPERM/);
      await assert.rejects(registryUser.call('CONFIG', 'GET', 'requirepass'), /NOPERM/);
      await assert.rejects(registryUser.call('KEYS', '*'), /NOPERM/);
      await assert.rejects(registryUser.hgetall(RedisKeys.nodes), /NOPERM/, "health's inventory");
      await assert.rejects(
        pushUser.hset(RedisKeys.nodes, '10.9.9.9', '{}'),
        /NOPERM/,
        'config-push only reads the inventory',
      );
      await assert.rejects(
        new Redis({
          port: redis.port,
          host: '127.0.0.1',
          maxRetriesPerRequest: 0,
          lazyConnect: true,
          retryStrategy: () => null,
        })
          .on('error', () => undefined)
          .ping(),
        /NOAUTH|WRONGPASS|disabled|Connection is closed/,
        'the default user is off',
      );
      assert.ok((await aclDenials()).length >= 5, 'each refusal is in the ACL LOG');
    } finally {
      registryUser.disconnect();
      pushUser.disconnect();
    }
  });

  it('warns at start when Redis may evict keys, and not under noeviction', async () => {
    for (const service of services)
      assert.doesNotMatch(
        service.process.output(),
        /may evict/,
        `${service.process.name}: no warning`,
      );
    await redis.client.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    const registry = await startServiceProcess({
      name: 'registry-evicting',
      entry: serviceEntry('registry'),
      env: {
        REDIS_URL: url('registry'),
        GATEWAY_TOKENS: TEST_TOKENS_ENV,
        ...LOOPBACK_INSTANCES_ENV,
      },
    });
    services.push(registry);
    await waitFor('the eviction warning', () =>
      /maxmemory-policy is allkeys-lru: Redis may evict/.test(registry.process.output()),
    );
    await redis.client.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });
});
