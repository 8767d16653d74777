import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { channelCredentials, ClientTlsError, clientTlsFromValues } from './channel-credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'channel-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('channel credentials from files', () => {
  it('is plaintext without TLS files, TLS with them', () => {
    assert.equal(channelCredentials(undefined)._isSecure(), false);
    assert.equal(clientTlsFromValues({ caFile: ' ', certFile: undefined }), undefined);
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assert.deepEqual(clientTlsFromValues({ caFile: ca }), {
      caFile: ca,
      certFile: undefined,
      keyFile: undefined,
    });
    assert.equal(channelCredentials({ caFile: ca })._isSecure(), true);
    assert.equal(channelCredentials({})._isSecure(), true, 'the system roots');
  });

  it('refuses half a client pair, a missing file and a file without PEM, naming the path and never the content', () => {
    assert.throws(
      () => channelCredentials({ certFile: '/x.crt' }),
      (error: unknown) => error instanceof ClientTlsError && /both/.test(error.message),
    );
    const missing = join(dir, 'missing.pem');
    assert.throws(
      () => channelCredentials({ caFile: missing }),
      (error: unknown) =>
        error instanceof ClientTlsError &&
        error.message === `cannot read the CA certificate file ${missing} (ENOENT)`,
    );
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'not-a-pem-but-a-secret-value');
    assert.throws(
      () => channelCredentials({ caFile: secret }),
      (error: unknown) =>
        error instanceof ClientTlsError &&
        error.message.includes(secret) &&
        !error.message.includes('secret-value'),
    );
  });
});
