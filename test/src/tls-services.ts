import { join } from 'node:path';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import { NodeHealthServiceDefinition } from '@gateway/proto/health';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { channelCredentials, type ClientTlsFiles } from '@gateway/shared';
import {
  APPLY_SCRIPT,
  bearer,
  CONFIG_PUSH_TEST_TIMINGS,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  tempDir,
  type ServiceName,
} from '@gateway/testkit';

/** What a service needs to start in these tests, besides its transport variables. */
export function serviceEnv(
  service: ServiceName,
  redisUrl: string,
  sshKeyPath: string,
): Record<string, string> {
  const common = { REDIS_URL: redisUrl, GATEWAY_TOKENS: TEST_TOKENS_ENV, LOG_LEVEL: 'info' };
  if (service !== 'config-push') return common;
  return {
    ...common,
    CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: sshKeyPath,
    CONFIG_PUSH_KNOWN_HOSTS_FILE: join(tempDir('known-hosts'), 'known_hosts'),
    CONFIG_PUSH_REMOTE_COMMAND: APPLY_SCRIPT,
    ...CONFIG_PUSH_TEST_TIMINGS,
  };
}

/**
 * Opens a channel of its own (its own connection: no subchannel shared with another
 * channel) and makes one authenticated call of the service plus a grpc.health.v1 Check.
 * Resolves when both succeed; rejects with the call's error.
 */
export async function callOverFreshChannel(
  service: ServiceName,
  address: string,
  tls: ClientTlsFiles | undefined,
): Promise<void> {
  const channel: Channel = createChannel(address, channelCredentials(tls), {
    'grpc.use_local_subchannel_pool': 1,
  });
  const options = { signal: AbortSignal.timeout(5_000) };
  try {
    const health = createClient(HealthDefinition, channel);
    await health.check({ service: '' }, options);
    const admin = { ...bearer(TEST_TOKENS.admin), ...options };
    if (service === 'registry')
      await createClient(RegistryServiceDefinition, channel).listInstances(
        { group: 'default' },
        admin,
      );
    else if (service === 'health')
      await createClient(NodeHealthServiceDefinition, channel).listNodes({}, admin);
    else await createClient(ConfigPushServiceDefinition, channel).getPushStatus({}, admin);
  } finally {
    channel.close();
  }
}
