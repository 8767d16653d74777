import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ClientError, Status } from 'nice-grpc';
import {
  createTestPki,
  expectConfigExit,
  generateSshKey,
  scrapeMetrics,
  serviceEntry,
  startRedisServer,
  startServiceProcess,
  tempDir,
  waitFor,
  type CertificateFiles,
  type RedisServerHandle,
  type ServiceName,
  type ServiceProcess,
  type TestPki,
} from '@gateway/testkit';
import { servedCertificate } from '../src/served-certificate.js';
import { callOverFreshChannel, serviceEnv } from '../src/tls-services.js';

const SERVICES: readonly ServiceName[] = ['registry', 'health', 'config-push'];

/** Copies `from` over `to` atomically (write beside, rename), as a certificate manager would. */
function replaceFile(from: string, to: string): void {
  copyFileSync(from, `${to}.new`);
  renameSync(`${to}.new`, to);
}

const fingerprintOf = (certFile: string) =>
  new X509Certificate(readFileSync(certFile)).fingerprint256;

const notAfterOf = (certFile: string) =>
  Math.floor(Date.parse(new X509Certificate(readFileSync(certFile)).validTo) / 1000);

/** The service's TLS gauges, as scraped from its /metrics. */
async function tlsGauges(server: ServiceProcess) {
  const scrape = await scrapeMetrics(server.metricsAddress!);
  return {
    reloadFailing: scrape.value('gateway_tls_certificate_reload_failing', { transport: 'tls' }),
    notAfter: scrape.value('gateway_tls_certificate_not_after_seconds', { transport: 'tls' }),
  };
}

async function refused(call: Promise<unknown>, what: string): Promise<Status> {
  const error = await call.then(
    () => assert.fail(`${what}: the call succeeded`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ClientError, `${what}: ${String(error)}`);
  return error.code;
}

/**
 * Each center service serving TLS from GRPC_TLS_* files, then mTLS with a client CA, as
 * its own process: who gets in, and certificate rotation while it runs.
 */
describe('gRPC transport security (TLS, mTLS, rotation)', { timeout: 240_000 }, () => {
  let redis: RedisServerHandle;
  let pki: TestPki;
  let otherPki: TestPki;
  let sshKey: string;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    pki = createTestPki();
    otherPki = createTestPki();
    sshKey = generateSshKey().privateKeyPath;
  });
  afterAll(async () => {
    for (const process of processes) await process.stop().catch(() => undefined);
    await redis?.stop();
  });

  /** The service's own copy of the server certificate files (so a test can replace them). */
  const ownCopy = (service: ServiceName): CertificateFiles => {
    const dir = tempDir(`tls-${service}`);
    const files = { certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key') };
    copyFileSync(pki.server.certFile, files.certFile);
    copyFileSync(pki.server.keyFile, files.keyFile);
    return files;
  };

  const start = async (service: ServiceName, env: Record<string, string>, mtls: boolean) => {
    const started = await startServiceProcess({
      name: `${service}-${mtls ? 'mtls' : 'tls'}`,
      entry: serviceEntry(service),
      env: { ...serviceEnv(service, redis.url, sshKey), ...env },
      clientTls: { caFile: pki.caFile, ...(mtls ? pki.client : {}) },
      timeoutMs: 60_000,
    });
    processes.push(started);
    return started;
  };

  for (const service of SERVICES) {
    it(`${service} with TLS: a plaintext client and a client trusting another CA are refused, a client trusting the CA gets in; replaced certificate files reach new connections; a refused rotation sets gateway_tls_certificate_reload_failing to 1 until a good pair is in service`, async () => {
      const files = ownCopy(service);
      const server = await start(
        service,
        {
          GRPC_TLS_CERT_FILE: files.certFile,
          GRPC_TLS_KEY_FILE: files.keyFile,
          GRPC_TLS_RELOAD_INTERVAL: '200ms',
        },
        false,
      );
      assert.match(server.process.output(), /"transport":"tls"/);

      assert.equal(
        await refused(callOverFreshChannel(service, server.address, undefined), 'plaintext'),
        Status.UNAVAILABLE,
      );
      assert.equal(
        await refused(
          callOverFreshChannel(service, server.address, { caFile: otherPki.caFile }),
          'another CA',
        ),
        Status.UNAVAILABLE,
      );
      await callOverFreshChannel(service, server.address, { caFile: pki.caFile });

      const before = await servedCertificate(server.address, pki.caFile);
      assert.equal(before.fingerprint256, fingerprintOf(pki.server.certFile));
      assert.deepEqual(await tlsGauges(server), {
        reloadFailing: 0,
        notAfter: notAfterOf(pki.server.certFile),
      });

      // A half-done rotation (the new certificate beside the old key) is refused: the old pair stays.
      const renewed = pki.issue(`${service}-renewed`);
      replaceFile(renewed.certFile, files.certFile);
      await waitFor(
        'the mismatched pair to be refused',
        () => /changed certificate files refused/.test(server.process.output()),
        { timeoutMs: 10_000, intervalMs: 50 },
      );
      assert.equal(
        (await servedCertificate(server.address, pki.caFile)).fingerprint256,
        before.fingerprint256,
      );
      await callOverFreshChannel(service, server.address, { caFile: pki.caFile });
      // The refusal is in the metrics, not only in the log; the old certificate's notAfter stays.
      assert.deepEqual(await tlsGauges(server), {
        reloadFailing: 1,
        notAfter: notAfterOf(pki.server.certFile),
      });

      replaceFile(renewed.keyFile, files.keyFile);
      const rotatedAt = Date.now();
      let after = before;
      await waitFor(
        'new connections to get the renewed certificate',
        async () => {
          after = await servedCertificate(server.address, pki.caFile);
          return after.fingerprint256 === fingerprintOf(renewed.certFile);
        },
        { timeoutMs: 10_000, intervalMs: 50 },
      );
      console.log(
        `[figure] ${service}: renewed certificate served ${Date.now() - rotatedAt} ms after its key file was replaced (reload interval 200 ms); serial ${before.serialNumber} -> ${after.serialNumber}`,
      );
      assert.notEqual(after.serialNumber, before.serialNumber);
      assert.deepEqual(await tlsGauges(server), {
        reloadFailing: 0,
        notAfter: notAfterOf(renewed.certFile),
      });
      await callOverFreshChannel(service, server.address, { caFile: pki.caFile });
      assert.doesNotMatch(server.process.output(), /BEGIN [A-Z ]*PRIVATE KEY/);
    });

    it(`${service} with mTLS: a client without a certificate or with one from another CA is refused, a client with a certificate of the CA gets in`, async () => {
      const server = await start(
        service,
        {
          GRPC_TLS_CERT_FILE: pki.server.certFile,
          GRPC_TLS_KEY_FILE: pki.server.keyFile,
          GRPC_TLS_CLIENT_CA_FILE: pki.caFile,
        },
        true,
      );
      assert.match(server.process.output(), /"transport":"mtls"/);
      assert.equal(
        await refused(callOverFreshChannel(service, server.address, undefined), 'plaintext'),
        Status.UNAVAILABLE,
      );
      assert.equal(
        await refused(
          callOverFreshChannel(service, server.address, { caFile: pki.caFile }),
          'no client certificate',
        ),
        Status.UNAVAILABLE,
      );
      assert.equal(
        await refused(
          callOverFreshChannel(service, server.address, {
            caFile: pki.caFile,
            ...otherPki.client,
          }),
          'a client certificate of another CA',
        ),
        Status.UNAVAILABLE,
      );
      await callOverFreshChannel(service, server.address, { caFile: pki.caFile, ...pki.client });
    });
  }

  it('a service refuses to start with half a TLS pair, a key of another certificate or an unreadable file, naming the variable and never the content', async () => {
    const env = serviceEnv('registry', redis.url, sshKey);
    const entry = serviceEntry('registry');
    await expectConfigExit(
      entry,
      { ...env, GRPC_TLS_CERT_FILE: pki.server.certFile },
      /GRPC_TLS_KEY_FILE: GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE turn TLS on together/,
    );
    await expectConfigExit(
      entry,
      { ...env, GRPC_TLS_CERT_FILE: pki.server.certFile, GRPC_TLS_KEY_FILE: pki.client.keyFile },
      /GRPC_TLS_KEY_FILE: .*client\.key does not belong to the certificate/,
    );
    await expectConfigExit(
      entry,
      { ...env, GRPC_TLS_CERT_FILE: pki.server.keyFile, GRPC_TLS_KEY_FILE: pki.server.keyFile },
      /GRPC_TLS_CERT_FILE: .*server\.key is not a PEM X\.509 certificate/,
    );
    await expectConfigExit(
      entry,
      {
        ...env,
        GRPC_TLS_CERT_FILE: pki.server.certFile,
        GRPC_TLS_KEY_FILE: pki.server.keyFile,
        GRPC_TLS_CLIENT_CA_FILE: join(pki.dir, 'missing.crt'),
      },
      /GRPC_TLS_CLIENT_CA_FILE: .*missing\.crt cannot be read \(ENOENT\)/,
    );
    await expectConfigExit(
      entry,
      { ...env, GRPC_TLS_CLIENT_CA_FILE: pki.caFile },
      /GRPC_TLS_CLIENT_CA_FILE: client certificates \(mTLS\) need TLS/,
    );
  });
});
