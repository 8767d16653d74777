import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ConfigError } from '@gateway/shared';
import { loadRegistryConfig } from './config.js';

describe('registry config: WAIT acknowledgement', () => {
  it('is off by default (a single Redis)', () => {
    const config = loadRegistryConfig({});
    assert.equal(config.REDIS_WAIT_REPLICAS, 0);
    assert.equal(config.REDIS_WAIT_TIMEOUT, 500);
  });

  it('takes a replica count and a timeout', () => {
    const config = loadRegistryConfig({ REDIS_WAIT_REPLICAS: '2', REDIS_WAIT_TIMEOUT: '250ms' });
    assert.equal(config.REDIS_WAIT_REPLICAS, 2);
    assert.equal(config.REDIS_WAIT_TIMEOUT, 250);
  });

  it('refuses a WAIT timeout that the command timeout would cut first', () => {
    assert.throws(
      () =>
        loadRegistryConfig({
          REDIS_WAIT_REPLICAS: '1',
          REDIS_WAIT_TIMEOUT: '2s',
          REDIS_COMMAND_TIMEOUT: '2s',
        }),
      (error: unknown) => error instanceof ConfigError && /REDIS_WAIT_TIMEOUT/.test(error.message),
    );
  });
});

describe('registry config: the metrics endpoint', () => {
  it('listens on 127.0.0.1:9451 by default, elsewhere when told, nowhere when off', () => {
    assert.deepEqual(loadRegistryConfig({}).METRICS_LISTEN, { host: '127.0.0.1', port: 9451 });
    assert.deepEqual(loadRegistryConfig({ METRICS_LISTEN: '0.0.0.0:9999' }).METRICS_LISTEN, {
      host: '0.0.0.0',
      port: 9999,
    });
    assert.equal(loadRegistryConfig({ METRICS_LISTEN: 'off' }).METRICS_LISTEN, undefined);
  });

  it('refuses an address that is not host:port, naming METRICS_LISTEN', () => {
    assert.throws(
      () => loadRegistryConfig({ METRICS_LISTEN: '9451' }),
      (error: unknown) => error instanceof ConfigError && /METRICS_LISTEN/.test(error.message),
    );
  });
});

describe('registry config: snapshot builds at once', () => {
  it('allows 4 at once by default, the rest waiting at most 60 s, at most 10,000 of them', () => {
    const config = loadRegistryConfig({});
    assert.equal(config.REGISTRY_WATCH_SNAPSHOT_CONCURRENCY, 4);
    assert.equal(config.REGISTRY_WATCH_SNAPSHOT_WAIT_TIMEOUT, 60_000);
    assert.equal(config.REGISTRY_WATCH_SNAPSHOT_QUEUE_LIMIT, 10_000);
  });

  it('refuses no permit at all, an unbounded queue and a wait under a second, naming the setting', () => {
    for (const [name, value] of [
      ['REGISTRY_WATCH_SNAPSHOT_CONCURRENCY', '0'],
      ['REGISTRY_WATCH_SNAPSHOT_QUEUE_LIMIT', '2000000'],
      ['REGISTRY_WATCH_SNAPSHOT_WAIT_TIMEOUT', '500ms'],
    ])
      assert.throws(
        () => loadRegistryConfig({ [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.includes(name),
      );
  });
});

describe('registry config: heap growth', () => {
  it('lets the old generation grow 30 % past the live heap by default; 0 leaves it to V8', () => {
    assert.equal(loadRegistryConfig({}).REGISTRY_HEAP_GROWING_PERCENT, 30);
    assert.equal(
      loadRegistryConfig({ REGISTRY_HEAP_GROWING_PERCENT: '0' }).REGISTRY_HEAP_GROWING_PERCENT,
      0,
    );
  });

  it('refuses a growth so small that full GCs would never stop, naming the setting', () => {
    for (const value of ['5', '301', 'half'])
      assert.throws(
        () => loadRegistryConfig({ REGISTRY_HEAP_GROWING_PERCENT: value }),
        (error: unknown) =>
          error instanceof ConfigError && error.message.includes('REGISTRY_HEAP_GROWING_PERCENT'),
      );
  });
});
