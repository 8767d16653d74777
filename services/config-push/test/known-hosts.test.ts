import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { generateSshKey, tempDir } from '@gateway/testkit';
import { fingerprint, parseHostKeyLine } from '../src/push/host-key.js';
import { checkPresentedKey, hostKeyPolicy } from '../src/push/host-verifier.js';
import { knownHostKeys } from '../src/push/known-hosts.js';

describe('host keys: pinned keys and known_hosts as OpenSSH writes them', () => {
  const good = generateSshKey(tempDir('hk'), 'good');
  const other = generateSshKey(tempDir('hk'), 'other');

  it('fingerprints like ssh-keygen -l', () => {
    const dir = tempDir('hk');
    writeFileSync(join(dir, 'key.pub'), `${good.publicKey}\n`);
    const printed = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'key.pub')], {
      encoding: 'utf8',
    }).split(' ')[1];
    assert.equal(fingerprint(parseHostKeyLine(good.publicKey).blob), printed);
  });

  it('finds plain, bracketed-port, wildcard and hashed entries, honours negation and @revoked', () => {
    const dir = tempDir('hk');
    const file = join(dir, 'known_hosts');
    writeFileSync(
      file,
      [
        `[10.1.1.1]:2222 ${good.publicKey}`,
        `10.1.1.2 ${good.publicKey}`,
        `10.9.*,!10.9.9.9 ${good.publicKey}`,
        `@revoked 10.1.1.2 ${other.publicKey}`,
        `@cert-authority * ${other.publicKey}`,
        '# comment',
        '',
      ].join('\n'),
    );
    const text = readFileSync(file, 'utf8');
    assert.equal(knownHostKeys(text, '10.1.1.1', 2222).trusted.length, 1);
    assert.equal(
      knownHostKeys(text, '10.1.1.1', 22).trusted.length,
      0,
      'the port is part of the name',
    );
    assert.equal(knownHostKeys(text, '10.1.1.2', 22).trusted.length, 1);
    assert.equal(knownHostKeys(text, '10.1.1.2', 22).revoked.length, 1);
    assert.equal(knownHostKeys(text, '10.9.1.1', 22).trusted.length, 1);
    assert.equal(knownHostKeys(text, '10.9.9.9', 22).trusted.length, 0);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hashed = readFileSync(file, 'utf8');
    assert.ok(!hashed.includes('10.1.1.1'));
    assert.equal(knownHostKeys(hashed, '10.1.1.1', 2222).trusted.length, 1);
    assert.equal(knownHostKeys(hashed, '10.1.1.3', 2222).trusted.length, 0);
  });

  it('a pinned key wins; a mismatch or a revoked key is refused with both fingerprints', async () => {
    const policy = await hostKeyPolicy(
      { host: '10.1.1.2', port: 22, user: 'gateway-push', hostKey: good.publicKey },
      '/nonexistent',
    );
    assert.ok(policy.ok);
    assert.equal(checkPresentedKey(policy, parseHostKeyLine(good.publicKey).blob), undefined);
    const refusal = checkPresentedKey(policy, parseHostKeyLine(other.publicKey).blob);
    assert.match(
      refusal!,
      /host key mismatch: the server presented ssh-ed25519 SHA256:\S+, but the pinned key of the node expects ssh-ed25519 SHA256:/,
    );

    const dir = tempDir('hk');
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `10.1.1.2 ${good.publicKey}\n@revoked 10.1.1.2 ${other.publicKey}\n`);
    const fromFile = await hostKeyPolicy(
      { host: '10.1.1.2', port: 22, user: 'gateway-push' },
      file,
    );
    assert.ok(fromFile.ok);
    assert.match(checkPresentedKey(fromFile, parseHostKeyLine(other.publicKey).blob)!, /@revoked/);
    const unknown = await hostKeyPolicy({ host: '10.1.1.3', port: 22, user: 'gateway-push' }, file);
    assert.equal(unknown.ok, false);
  });
});
