import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import ssh2 from 'ssh2';
import { z } from 'zod';
import {
  alertConfigShape,
  alertSettings,
  commonConfigShape,
  ConfigError,
  withoutSecrets,
  durationMs,
  fraction,
  heapGrowingPercent,
  integer,
  loadConfig,
  metricsListen,
  type Environment,
} from '@gateway/shared';

const REMOTE_COMMAND = /^[A-Za-z0-9_./ -]{1,256}$/;

/** Every variable config-push reads; documented in docs/config-push.md and the README's configuration table. */
export const configPushConfigShape = {
  // Its requests carry ids and names only.
  ...commonConfigShape('127.0.0.1:50053', 16 * 1024),
  METRICS_LISTEN: metricsListen('127.0.0.1:9453'),
  CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: z.string().default('/etc/gateway/config-push/id_ed25519'),
  CONFIG_PUSH_SSH_PRIVATE_KEY_PASSPHRASE: z.string().optional(),
  CONFIG_PUSH_KNOWN_HOSTS_FILE: z.string().default('/etc/gateway/config-push/known_hosts'),
  CONFIG_PUSH_REMOTE_COMMAND: z
    .string()
    .regex(
      REMOTE_COMMAND,
      'must be a command line of letters, digits, "_", ".", "/", "-" and spaces',
    )
    .default('sudo -n /usr/local/sbin/gateway-nginx-apply'),
  CONFIG_PUSH_SSH_CONNECT_TIMEOUT: durationMs({ min: 100, max: 120_000, default: 5_000 }),
  CONFIG_PUSH_COMMAND_TIMEOUT: durationMs({ min: 100, max: 600_000, default: 20_000 }),
  CONFIG_PUSH_NODE_TIMEOUT: durationMs({ min: 200, max: 600_000, default: 30_000 }),
  CONFIG_PUSH_SSH_IDLE_TIMEOUT: durationMs({ min: 0, max: 3_600_000, default: 60_000 }),
  CONFIG_PUSH_WAIT_MIN: durationMs({ min: 0, max: 600_000, default: 100 }),
  CONFIG_PUSH_WAIT_MAX: durationMs({ min: 0, max: 600_000, default: 1_000 }),
  CONFIG_PUSH_REVISION_POLL_INTERVAL: durationMs({ min: 100, max: 600_000, default: 2_000 }),
  CONFIG_PUSH_DRIFT_CHECK_INTERVAL: durationMs({ min: 1_000, max: 86_400_000, default: 60_000 }),
  CONFIG_PUSH_RETRY_MIN: durationMs({ min: 100, max: 3_600_000, default: 1_000 }),
  CONFIG_PUSH_RETRY_MAX: durationMs({ min: 100, max: 3_600_000, default: 30_000 }),
  CONFIG_PUSH_LEASE_TTL: durationMs({ min: 1_000, max: 600_000, default: 10_000 }),
  CONFIG_PUSH_DROP_GUARD_SHARE: fraction({ min: 0, max: 1, default: 0.5 }),
  CONFIG_PUSH_DROP_GUARD_MIN_REMOVED: integer({ min: 1, max: 1_000_000, default: 2 }),
  CONFIG_PUSH_DROP_GUARD_SETTLE: durationMs({ min: 0, max: 86_400_000, default: 120_000 }),
  CONFIG_PUSH_HEAP_GROWING_PERCENT: heapGrowingPercent(30),
  CONFIG_PUSH_NODE_MAX_BYTES: integer({ min: 1_024, max: 1_073_741_824, default: 4_194_304 }),
  CONFIG_PUSH_QUARANTINE_MAX_SHARE: fraction({ min: 0, max: 0.5, default: 0.25 }),
  CONFIG_PUSH_QUARANTINE_MIN: integer({ min: 0, max: 1_000, default: 3 }),
  CONFIG_PUSH_QUARANTINE_RECHECK_MIN: durationMs({ min: 100, max: 3_600_000, default: 5_000 }),
  CONFIG_PUSH_QUARANTINE_RECHECK_MAX: durationMs({ min: 100, max: 86_400_000, default: 300_000 }),
  CONFIG_PUSH_QUARANTINE_TEST_TIMEOUT: durationMs({ min: 1_000, max: 600_000, default: 60_000 }),
  ...alertConfigShape('CONFIG_PUSH'),
  /** One more webhook (the variable of earlier versions), delivered like CONFIG_PUSH_ALERT_WEBHOOK_URLS. */
  CONFIG_PUSH_ALERT_WEBHOOK_URL: z
    .string()
    .optional()
    .refine((text) => text === undefined || /^https?:\/\//.test(text), {
      message: 'must be an http:// or https:// URL',
    }),
  CONFIG_PUSH_LAG_ALERT_AFTER: durationMs({ min: 1_000, max: 86_400_000, default: 120_000 }),
  CONFIG_PUSH_REPLICA_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 letters, digits, ".", "_", ":" or "-"')
    .optional(),
};

export type ConfigPushConfig = ReturnType<typeof loadConfigPushConfig>;

export function loadConfigPushConfig(env: Environment) {
  const config = loadConfig(configPushConfigShape, env);
  if (config.CONFIG_PUSH_WAIT_MIN > config.CONFIG_PUSH_WAIT_MAX) {
    throw new ConfigError('CONFIG_PUSH_WAIT_MIN', 'must not exceed CONFIG_PUSH_WAIT_MAX');
  }
  if (config.CONFIG_PUSH_RETRY_MIN > config.CONFIG_PUSH_RETRY_MAX) {
    throw new ConfigError('CONFIG_PUSH_RETRY_MIN', 'must not exceed CONFIG_PUSH_RETRY_MAX');
  }
  if (config.CONFIG_PUSH_QUARANTINE_RECHECK_MIN > config.CONFIG_PUSH_QUARANTINE_RECHECK_MAX) {
    throw new ConfigError(
      'CONFIG_PUSH_QUARANTINE_RECHECK_MIN',
      'must not exceed CONFIG_PUSH_QUARANTINE_RECHECK_MAX',
    );
  }
  if (config.CONFIG_PUSH_SSH_CONNECT_TIMEOUT >= config.CONFIG_PUSH_NODE_TIMEOUT) {
    throw new ConfigError(
      'CONFIG_PUSH_SSH_CONNECT_TIMEOUT',
      'must be shorter than CONFIG_PUSH_NODE_TIMEOUT',
    );
  }
  checkPrivateKey(
    config.CONFIG_PUSH_SSH_PRIVATE_KEY_FILE,
    config.CONFIG_PUSH_SSH_PRIVATE_KEY_PASSPHRASE,
  );
  const replicaId =
    config.CONFIG_PUSH_REPLICA_ID ??
    `${hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 64)}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const alerts = alertSettings('CONFIG_PUSH', config);
  const webhookUrls = [
    ...(config.CONFIG_PUSH_ALERT_WEBHOOK_URL ? [config.CONFIG_PUSH_ALERT_WEBHOOK_URL] : []),
    ...alerts.webhookUrls,
  ];
  return Object.freeze({
    ...config,
    CONFIG_PUSH_REPLICA_ID: replicaId,
    /** Where and how alerts are delivered (CONFIG_PUSH_ALERT_*). */
    alerts: Object.freeze({ ...alerts, webhookUrls }),
  });
}

/** The key must be readable and parse (with its passphrase): a bad key stops the start, naming the variable. */
function checkPrivateKey(path: string, passphrase: string | undefined): void {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (error) {
    throw new ConfigError(
      'CONFIG_PUSH_SSH_PRIVATE_KEY_FILE',
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const parsed = ssh2.utils.parseKey(text, passphrase);
  if (parsed instanceof Error) {
    throw new ConfigError(
      'CONFIG_PUSH_SSH_PRIVATE_KEY_FILE',
      `${path} is not a usable private key: ${withoutSecrets(parsed.message, [passphrase])}`,
    );
  }
}
