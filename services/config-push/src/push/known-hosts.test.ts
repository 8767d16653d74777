import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519KeyPair } from '../ssh-key-pair.fixture.js';
import { afterAll, describe, it } from 'vitest';
import { parseHostKeyLine } from './host-key.js';
import { checkPresentedKey, hostKeyPolicy } from './host-verifier.js';
import { knownHostKeys } from './known-hosts.js';

const good = ed25519KeyPair().public;
const other = ed25519KeyPair().public;

/** `[10.1.1.1]:2222` and `10.1.1.2` with one key, hashed by `ssh-keygen -H` (OpenSSH 9). */
const HASHED_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFGaiNQ98yFS7zeFTHND4uC4qbFV6QZAmTeDKQ58fPrY';
const HASHED = [
  `|1|Cgn7erZ84K0JbMT1v3wNflSTrAA=|bRRff7f7WWOiC2ClTGVfNLIyH6g= ${HASHED_KEY}`,
  `|1|mP6q1jspr6SKhfQgW9tm5M3ybAY=|NPwToO4WGEnOpTQXknfYGQ1Pd/Y= ${HASHED_KEY}`,
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'known-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('known_hosts as OpenSSH writes it', () => {
  const text = [
    `[10.1.1.1]:2222 ${good}`,
    `10.1.1.2 ${good}`,
    `10.9.*,!10.9.9.9 ${good}`,
    `web?.example ${good}`,
    `@revoked 10.1.1.2 ${other}`,
    `@cert-authority * ${other}`,
    `10.1.1.5 ssh-rsa ${good.split(' ')[1]}`,
    '# comment',
    '',
  ].join('\n');

  it('finds a host by name, with the port in brackets when it is not 22', () => {
    assert.equal(knownHostKeys(text, '10.1.1.1', 2222).trusted.length, 1);
    assert.equal(knownHostKeys(text, '10.1.1.1', 22).trusted.length, 0, 'the port is in the name');
    assert.equal(knownHostKeys(text, '10.1.1.2', 22).trusted.length, 1);
  });

  it('honours wildcards and negations', () => {
    assert.equal(knownHostKeys(text, '10.9.1.1', 22).trusted.length, 1);
    assert.equal(knownHostKeys(text, '10.9.9.9', 22).trusted.length, 0);
    assert.equal(knownHostKeys(text, 'WEB1.example', 22).trusted.length, 1, 'case-insensitive');
    assert.equal(knownHostKeys(text, 'web12.example', 22).trusted.length, 0);
  });

  it('keeps @revoked keys apart, ignores @cert-authority and keys whose blob has another type', () => {
    const keys = knownHostKeys(text, '10.1.1.2', 22);
    assert.equal(keys.revoked.length, 1);
    assert.ok(keys.revoked[0].blob.equals(parseHostKeyLine(other).blob));
    assert.equal(knownHostKeys(text, '10.7.7.7', 22).trusted.length, 0, 'no CA key trusted');
    assert.equal(knownHostKeys(text, '10.1.1.5', 22).trusted.length, 0);
  });

  it('finds hashed entries written by ssh-keygen -H', () => {
    assert.equal(knownHostKeys(HASHED, '10.1.1.1', 2222).trusted.length, 1);
    assert.equal(knownHostKeys(HASHED, '10.1.1.2', 22).trusted.length, 1);
    assert.equal(knownHostKeys(HASHED, '10.1.1.1', 22).trusted.length, 0);
    assert.equal(knownHostKeys(HASHED, '10.1.1.3', 2222).trusted.length, 0);
  });
});

describe('host key policy', () => {
  it('a pinned key wins; a mismatch is refused with both fingerprints', async () => {
    const policy = await hostKeyPolicy(
      { host: '10.1.1.2', port: 22, user: 'gateway-push', hostKey: good },
      '/nonexistent',
    );
    assert.ok(policy.ok);
    assert.equal(checkPresentedKey(policy, parseHostKeyLine(good).blob), undefined);
    assert.match(
      checkPresentedKey(policy, parseHostKeyLine(other).blob)!,
      /host key mismatch: the server presented ssh-ed25519 SHA256:\S+, but the pinned key of the node expects ssh-ed25519 SHA256:/,
    );
  });

  it('reads known_hosts when no key is pinned, refusing a revoked key', async () => {
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `10.1.1.2 ${good}\n@revoked 10.1.1.2 ${other}\n`);
    const policy = await hostKeyPolicy({ host: '10.1.1.2', port: 22, user: 'gateway-push' }, file);
    assert.ok(policy.ok);
    assert.equal(checkPresentedKey(policy, parseHostKeyLine(good).blob), undefined);
    assert.match(checkPresentedKey(policy, parseHostKeyLine(other).blob)!, /@revoked/);
  });

  it('never trusts an unknown host, nor a known_hosts file it cannot read', async () => {
    const file = join(dir, 'known_hosts_unknown');
    writeFileSync(file, `10.1.1.2 ${good}\n`);
    const unknown = await hostKeyPolicy({ host: '10.1.1.3', port: 22, user: 'gateway-push' }, file);
    assert.equal(unknown.ok, false);
    assert.match(!unknown.ok ? unknown.reason : '', /no entry for 10\.1\.1\.3/);
    const missing = await hostKeyPolicy(
      { host: '10.1.1.2', port: 22, user: 'gateway-push' },
      join(dir, 'absent'),
    );
    assert.match(!missing.ok ? missing.reason : '', /cannot be read \(ENOENT\)/);
  });
});
