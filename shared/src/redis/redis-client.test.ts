import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { pino } from 'pino';
import { ConfigError } from '../config/config-error.js';
import { createRedisClient, reconnectDelayMs } from './redis-client.js';

describe('reconnectDelayMs', () => {
  it('retries at once first, then backs off to at most one second', () => {
    assert.equal(reconnectDelayMs(1), 0);
    assert.equal(reconnectDelayMs(2), 200);
    assert.equal(reconnectDelayMs(3), 400);
    assert.equal(reconnectDelayMs(4), 800);
    assert.equal(reconnectDelayMs(5), 1_000);
    assert.equal(reconnectDelayMs(50), 1_000);
  });
});

describe('createRedisClient', () => {
  it('refuses a client certificate without its key (and a key without its certificate), naming the missing variable', () => {
    const base = {
      REDIS_URL: 'rediss://127.0.0.1:1',
      REDIS_SENTINEL_MASTER: 'mymaster',
      REDIS_COMMAND_TIMEOUT: 1_000,
      REDIS_FAILOVER_FENCE_TIMEOUT: 1_000,
    } as const;
    const logger = pino({ level: 'silent' });
    for (const [extra, missing] of [
      [{ REDIS_TLS_CERT_FILE: '/etc/x.crt' }, 'REDIS_TLS_KEY_FILE'],
      [{ REDIS_TLS_KEY_FILE: '/etc/x.key' }, 'REDIS_TLS_CERT_FILE'],
    ] as const)
      assert.throws(
        () => createRedisClient({ ...base, ...extra }, 'test', logger),
        (error: unknown) => error instanceof ConfigError && error.variable === missing,
      );
  });
});
