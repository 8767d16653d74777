import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { describeFindings, registeredTestSecrets, scanLogsForSecrets } from './secret-scan.js';
import { knownTestSecrets, TEST_SECRETS } from './test-secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'secret-scan-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the secret scan of a run’s logs', () => {
  it('finds a planted secret, naming file, line and secret, never showing the value', () => {
    const logs = join(dir, 'planted', 'logs');
    mkdirSync(join(logs, 'nested'), { recursive: true });
    writeFileSync(join(logs, 'clean.log'), '{"msg":"started"}\n{"msg":"node added"}\n');
    writeFileSync(
      join(logs, 'nested', 'leaky.log'),
      `line one\n{"msg":"redis url redis://:${TEST_SECRETS.redisPassword}@127.0.0.1"}\n`,
    );
    const result = scanLogsForSecrets(logs, knownTestSecrets());
    assert.equal(result.files, 2);
    assert.deepEqual(result.findings, [
      { file: join(logs, 'nested', 'leaky.log'), line: 2, secret: 'redisPassword' },
    ]);
    const message = describeFindings(result.findings);
    assert.match(message, /leaky\.log:2: redisPassword/);
    assert.ok(!message.includes(TEST_SECRETS.redisPassword));
  });

  it('knows every secret the test kit hands out: tokens, Redis password, SSH passphrase, DingTalk secret', () => {
    const names = knownTestSecrets().map((secret) => secret.name);
    for (const name of [
      'redisPassword',
      'sshKeyPassphrase',
      'dingTalkSecret',
      'admin token',
      'core token',
      'sdk token',
    ])
      assert.ok(names.includes(name), name);
  });

  it('reads the secrets tests registered at run time and finds them too', () => {
    const run = join(dir, 'registered');
    mkdirSync(join(run, 'secrets'), { recursive: true });
    mkdirSync(join(run, 'logs'), { recursive: true });
    writeFileSync(join(run, 'secrets', '123.tsv'), 'one-off\tad-hoc-secret-value\n');
    writeFileSync(join(run, 'logs', 'x.log'), 'ok\nleak: ad-hoc-secret-value\n');
    const secrets = registeredTestSecrets(run);
    assert.deepEqual(secrets, [{ name: 'one-off', value: 'ad-hoc-secret-value' }]);
    assert.equal(scanLogsForSecrets(join(run, 'logs'), secrets).findings[0]?.line, 2);
  });
});
