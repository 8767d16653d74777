import assert from 'node:assert/strict';
import { ed25519KeyPair } from '../ssh-key-pair.fixture.js';
import { describe, it } from 'vitest';
import { fingerprint, hostKeyAlgorithms, keyTypeOf, parseHostKeyLine } from './host-key.js';

/** A key and its fingerprint as `ssh-keygen -l` printed it (OpenSSH 9). */
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFGaiNQ98yFS7zeFTHND4uC4qbFV6QZAmTeDKQ58fPrY';
const KEY_FINGERPRINT = 'SHA256:c+qE3dAq0PIBRwYpHFZ8+mF+3tWLSfE2xmcciizF5Ic';

describe('host key lines', () => {
  it('fingerprints like ssh-keygen -l', () => {
    assert.equal(fingerprint(parseHostKeyLine(KEY).blob), KEY_FINGERPRINT);
  });

  it('parses a public key line, ignoring its comment', () => {
    const generated = ed25519KeyPair().public;
    const key = parseHostKeyLine(`  ${generated} admin@host\n`);
    assert.equal(key.type, 'ssh-ed25519');
    assert.equal(keyTypeOf(key.blob), 'ssh-ed25519');
  });

  it('refuses a line that is not a key, or whose blob is of another type than it says', () => {
    assert.throws(() => parseHostKeyLine('ssh-ed25519'), /not an OpenSSH public key line/);
    assert.throws(
      () => parseHostKeyLine(KEY.replace('ssh-ed25519', 'ssh-rsa')),
      /key blob is not of type ssh-rsa/,
    );
    assert.equal(keyTypeOf(Buffer.from([0, 0])), '');
  });

  it('negotiates the RSA signature algorithms for an ssh-rsa key, the type itself otherwise', () => {
    assert.deepEqual(hostKeyAlgorithms('ssh-rsa'), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    assert.deepEqual(hostKeyAlgorithms('ssh-ed25519'), ['ssh-ed25519']);
  });
});
