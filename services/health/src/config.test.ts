import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ConfigError } from '@gateway/shared';
import { loadHealthConfig } from './config.js';

const BASE = { GATEWAY_TOKENS: 'admin:admin-token-0123456789,core:core-token-0123456789' };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadHealthConfig({ ...BASE, ...env });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('health configuration', () => {
  it('has the documented defaults', () => {
    const config = loadHealthConfig(BASE);
    assert.equal(config.GRPC_LISTEN, '127.0.0.1:50052');
    assert.equal(config.HEALTH_POLL_INTERVAL, 60_000);
    assert.equal(config.HEALTH_PROBE_CONNECT_TIMEOUT, 1_000);
    assert.equal(config.HEALTH_PROBE_TIMEOUT, 3_000);
    assert.equal(config.HEALTH_RISE, 1);
    assert.equal(config.HEALTH_FALL, 1);
    assert.equal(config.HEALTH_COALESCE_WINDOW, 1_000);
    assert.equal(config.HEALTH_REPORT_RATE_LIMIT, 10);
    assert.equal(config.HEALTH_REPORT_RATE_WINDOW, 60_000);
    assert.equal(config.HEALTH_STALE_AFTER, 180_000);
    assert.deepEqual(config.alerts.webhookUrls, []);
    assert.equal(config.alerts.attemptTimeoutMs, 5_000);
    assert.equal(config.alerts.retryMinMs, 1_000);
    assert.equal(config.alerts.retryMaxMs, 30_000);
    assert.equal(config.alerts.maxRefusals, 5);
    assert.equal(config.alerts.outboxMaxLength, 10_000);
    assert.deepEqual(config.seedNodes, []);
    assert.equal(config.HEALTH_MAX_NODES, 64);
    assert.match(config.HEALTH_REPLICA_ID, /\/\d+$/);
  });

  it('names the variable of a bad value', () => {
    assert.equal(configError({ HEALTH_POLL_INTERVAL: '500ms' }).variable, 'HEALTH_POLL_INTERVAL');
    assert.equal(configError({ HEALTH_POLL_INTERVAL: 'soon' }).variable, 'HEALTH_POLL_INTERVAL');
    assert.equal(configError({ HEALTH_FALL: '0' }).variable, 'HEALTH_FALL');
    assert.equal(configError({ HEALTH_PROBE_TIMEOUT: '3m' }).variable, 'HEALTH_PROBE_TIMEOUT');
    assert.equal(
      configError({ HEALTH_PROBE_CONNECT_TIMEOUT: '5s', HEALTH_PROBE_TIMEOUT: '2s' }).variable,
      'HEALTH_PROBE_CONNECT_TIMEOUT',
    );
    assert.equal(
      configError({ HEALTH_ALERT_WEBHOOK_URLS: 'http://ok.example/a,ftp://no.example/' }).variable,
      'HEALTH_ALERT_WEBHOOK_URLS',
    );
    assert.equal(
      configError({ HEALTH_ALERT_DINGTALK_SECRET: 'SECabc' }).variable,
      'HEALTH_ALERT_DINGTALK_SECRET',
    );
    assert.equal(
      configError({ HEALTH_ALERT_RETRY_BACKOFF: '1m', HEALTH_ALERT_RETRY_MAX_BACKOFF: '10s' })
        .variable,
      'HEALTH_ALERT_RETRY_BACKOFF',
    );
    assert.equal(configError({ HEALTH_STALE_AFTER: '30s' }).variable, 'HEALTH_STALE_AFTER');
    assert.equal(configError({ HEALTH_NODES: '{"ip":"10.0.0.1"}' }).variable, 'HEALTH_NODES');
    const bad = configError({
      HEALTH_NODES:
        '[{"ip":"10.0.0.1","healthUrl":"http://10.0.0.2/healthz","ssh":{"user":"deploy"},"configPath":"/etc/nginx/u.conf"}]',
    });
    assert.equal(bad.variable, 'HEALTH_NODES');
    assert.match(bad.reason, /nodes\[0\]\.health_url/);
    assert.equal(
      configError({ HEALTH_NODES_FILE: '/nonexistent/nodes.json' }).variable,
      'HEALTH_NODES_FILE',
    );
    assert.equal(configError({ HEALTH_MAX_NODES: '0' }).variable, 'HEALTH_MAX_NODES');
  });

  it('refuses a node cap below the nodes the configuration declares', () => {
    const node = (ip: string) => ({
      ip,
      healthUrl: `http://${ip}/healthz`,
      ssh: { user: 'deploy' },
      configPath: '/etc/nginx/u.conf',
    });
    const error = configError({
      HEALTH_MAX_NODES: '1',
      HEALTH_NODES: JSON.stringify([node('10.0.0.1'), node('10.0.0.2')]),
    });
    assert.equal(error.variable, 'HEALTH_MAX_NODES');
    assert.match(error.reason, /below the 2 nodes/);
  });
});
