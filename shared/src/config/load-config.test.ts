import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { commonConfigShape } from './common-config.js';
import { integer } from './env-types.js';
import { loadConfig } from './load-config.js';

const shape = {
  ...commonConfigShape('127.0.0.1:50051'),
  RETRIES: integer({ min: 0, max: 5, default: 2 }),
};

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(shape, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('loading configuration from the environment', () => {
  it('fills the common defaults and freezes the result', () => {
    const config = loadConfig(shape, {});
    assert.equal(config.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.equal(config.GRPC_LISTEN, '127.0.0.1:50051');
    assert.equal(config.GATEWAY_AUTH, 'required');
    assert.equal(config.SHUTDOWN_TIMEOUT, 4_000);
    assert.equal(config.RETRIES, 2);
    assert.ok(Object.isFrozen(config));
  });

  it('treats a blank variable as unset and trims values', () => {
    assert.equal(loadConfig(shape, { RETRIES: '  ' }).RETRIES, 2);
    assert.equal(loadConfig(shape, { RETRIES: ' 4 ' }).RETRIES, 4);
  });

  it('ignores variables it does not know', () => {
    assert.equal('PATH' in loadConfig(shape, { PATH: '/bin' }), false);
  });

  it('names the first bad variable and why', () => {
    const bad = failure({ REDIS_URL: 'http://127.0.0.1:6379' });
    assert.equal(bad.variable, 'REDIS_URL');
    assert.match(bad.reason, /redis:\/\//);
    assert.equal(failure({ REDIS_SENTINELS: '10.0.0.1:26379,nope' }).variable, 'REDIS_SENTINELS');
    assert.equal(failure({ GATEWAY_AUTH: 'off' }).variable, 'GATEWAY_AUTH');
    assert.equal(failure({ RETRIES: '9' }).variable, 'RETRIES');
  });
});
