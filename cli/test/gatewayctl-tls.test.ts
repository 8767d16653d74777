import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  createTestPki,
  serviceEntry,
  startRedisServer,
  startServiceProcess,
  tempDir,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  type RedisServerHandle,
  type ServiceProcess,
  type TestPki,
} from '@gateway/testkit';
import { runCli } from './support/run-cli.js';

/** gatewayctl reaching a registry that requires client certificates (mTLS). */
describe('gatewayctl over mTLS', { timeout: 120_000 }, () => {
  let redis: RedisServerHandle;
  let pki: TestPki;
  let registry: ServiceProcess;
  beforeAll(async () => {
    redis = await startRedisServer();
    pki = createTestPki();
    registry = await startServiceProcess({
      name: 'registry-mtls',
      entry: serviceEntry('registry'),
      env: {
        REDIS_URL: redis.url,
        GATEWAY_TOKENS: TEST_TOKENS_ENV,
        GRPC_TLS_CERT_FILE: pki.server.certFile,
        GRPC_TLS_KEY_FILE: pki.server.keyFile,
        GRPC_TLS_CLIENT_CA_FILE: pki.caFile,
      },
      clientTls: { caFile: pki.caFile, ...pki.client },
      timeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    await registry?.stop();
    await redis?.stop();
  });

  const list = (args: readonly string[], env: Record<string, string> = {}, cwd = tempDir('ctl')) =>
    runCli(['--registry', registry.address, 'instances', 'list', '--json', ...args], {
      env: { GATEWAY_TOKEN: TEST_TOKENS.admin, ...env },
      cwd,
    });

  it('fails as unreachable without TLS or without a client certificate, and lists with CA + certificate from flags, environment or context file', async () => {
    const plaintext = await list([]);
    assert.equal(plaintext.code, 3, plaintext.stderr);
    const noCertificate = await list(['--tls-ca', pki.caFile]);
    assert.equal(noCertificate.code, 3, noCertificate.stderr);

    const flags = await list([
      '--tls-ca',
      pki.caFile,
      '--tls-cert',
      pki.client.certFile,
      '--tls-key',
      pki.client.keyFile,
    ]);
    assert.equal(flags.code, 0, flags.stderr);
    assert.deepEqual((JSON.parse(flags.stdout) as { instances: unknown[] }).instances, []);

    const environment = await list([], {
      GATEWAY_TLS_CA_FILE: pki.caFile,
      GATEWAY_TLS_CERT_FILE: pki.client.certFile,
      GATEWAY_TLS_KEY_FILE: pki.client.keyFile,
    });
    assert.equal(environment.code, 0, environment.stderr);

    const cwd = tempDir('ctl-context');
    const context = join(cwd, 'context.json');
    writeFileSync(
      context,
      JSON.stringify({
        tlsCaFile: pki.caFile,
        tlsCertFile: pki.client.certFile,
        tlsKeyFile: pki.client.keyFile,
      }),
    );
    const fromContext = await list(['--context', context], {}, cwd);
    assert.equal(fromContext.code, 0, fromContext.stderr);

    const halfPair = await list(['--tls-ca', pki.caFile, '--tls-cert', pki.client.certFile]);
    assert.equal(halfPair.code, 2, halfPair.stderr);
  });
});
