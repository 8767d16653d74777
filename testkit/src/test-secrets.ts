import { TEST_TOKENS } from './tokens.js';

/**
 * Every secret the test kit hands out, in one place: the run's secret scan
 * (secret-scan.ts) fails if any of them shows in a captured log line.
 */
export const TEST_SECRETS = {
  /** A Redis password (requirepass / an ACL user's password). */
  redisPassword: 'redis-pw-7f3a9c1e5b',
  /** The passphrase of config-push's SSH private key. */
  sshKeyPassphrase: 'ssh-pp-4d8e2a6c0f',
  /** A DingTalk robot's signing secret. */
  dingTalkSecret: 'SEC-ding-9b1f5d3a7e',
  /** The Redis ACL users' passwords (deploy/redis/users.acl test). */
  registryRedisPassword: 'acl-registry-pw-3c5e7a9b',
  healthRedisPassword: 'acl-health-pw-8d0f2b4c',
  configPushRedisPassword: 'acl-config-push-pw-1a3c5e7f',
} as const;

/** The known secrets by name: TEST_SECRETS and the bearer tokens of TEST_TOKENS. */
export function knownTestSecrets(): Array<{ name: string; value: string }> {
  return [
    ...Object.entries(TEST_SECRETS).map(([name, value]) => ({ name, value })),
    ...Object.entries(TEST_TOKENS).map(([role, value]) => ({ name: `${role} token`, value })),
  ];
}
