import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { ConfigError } from '@gateway/shared';
import { loadCoreConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'core-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(env: Record<string, string>): ConfigError {
  try {
    loadCoreConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('example gateway-core configuration', () => {
  it('advertises the listen host unless told otherwise, and splits the registry list', () => {
    const config = loadCoreConfig({
      GATEWAY_CORE_TOKEN: 'core-token',
      REGISTRY_ADDRESSES: '10.0.0.1:50051, 10.0.0.2:50051,',
    });
    assert.deepEqual(config.listen, { host: '127.0.0.1', port: 8080 });
    assert.equal(config.advertiseHost, '127.0.0.1');
    assert.deepEqual(config.registries, ['10.0.0.1:50051', '10.0.0.2:50051']);
    assert.equal(
      loadCoreConfig({ GATEWAY_CORE_TOKEN: 't', CORE_ADVERTISE_HOST: '10.9.0.1' }).advertiseHost,
      '10.9.0.1',
    );
  });

  it('reads the token from a file, trimmed', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'from-file\n');
    assert.equal(loadCoreConfig({ GATEWAY_CORE_TOKEN_FILE: file }).token, 'from-file');
  });

  it('refuses port 0, a bad registry list, a missing or unreadable token', () => {
    assert.equal(
      failure({ GATEWAY_CORE_TOKEN: 't', CORE_LISTEN: '127.0.0.1:0' }).variable,
      'CORE_LISTEN',
    );
    assert.equal(
      failure({ GATEWAY_CORE_TOKEN: 't', REGISTRY_ADDRESSES: '10.0.0.1' }).variable,
      'REGISTRY_ADDRESSES',
    );
    assert.equal(failure({ REGISTRY_ADDRESSES: ' , ' }).variable, 'REGISTRY_ADDRESSES');
    assert.equal(failure({}).variable, 'GATEWAY_CORE_TOKEN');
    assert.equal(
      failure({ GATEWAY_CORE_TOKEN_FILE: join(dir, 'absent') }).variable,
      'GATEWAY_CORE_TOKEN_FILE',
    );
  });

  it('talks TLS to the registries when GATEWAY_TLS_CA_FILE is set, mTLS with a certificate and key, and refuses half a pair', () => {
    const base = { GATEWAY_CORE_TOKEN: 'core-token' };
    assert.equal(loadCoreConfig(base).tls, undefined);
    assert.deepEqual(
      loadCoreConfig({
        ...base,
        GATEWAY_TLS_CA_FILE: '/tls/ca.crt',
        GATEWAY_TLS_CERT_FILE: '/tls/core.crt',
        GATEWAY_TLS_KEY_FILE: '/tls/core.key',
      }).tls,
      { caFile: '/tls/ca.crt', certFile: '/tls/core.crt', keyFile: '/tls/core.key' },
    );
    assert.equal(
      failure({ ...base, GATEWAY_TLS_CERT_FILE: '/tls/core.crt' }).variable,
      'GATEWAY_TLS_KEY_FILE',
    );
  });
});
