import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519KeyPair } from './ssh-key-pair.fixture.js';
import { afterAll, describe, it } from 'vitest';
import { ConfigError } from '@gateway/shared';
import { loadConfigPushConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'config-push-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config-push configuration', () => {
  const privateKeyPath = join(dir, 'id_ed25519');
  writeFileSync(privateKeyPath, ed25519KeyPair().private, { mode: 0o600 });
  const load = (env: Record<string, string>) =>
    loadConfigPushConfig({ CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: privateKeyPath, ...env });
  const rejects = (env: Record<string, string>, variable: string, reason: RegExp) =>
    assert.throws(
      () => load(env),
      (error: unknown) =>
        error instanceof ConfigError && error.variable === variable && reason.test(error.reason),
    );

  it('has production defaults', () => {
    const config = load({});
    assert.equal(config.GRPC_LISTEN, '127.0.0.1:50053');
    assert.equal(config.CONFIG_PUSH_REMOTE_COMMAND, 'sudo -n /usr/local/sbin/gateway-nginx-apply');
    assert.equal(config.CONFIG_PUSH_WAIT_MIN, 100);
    assert.equal(config.CONFIG_PUSH_WAIT_MAX, 1_000);
    assert.equal(config.CONFIG_PUSH_LEASE_TTL, 10_000);
    assert.equal(config.CONFIG_PUSH_NODE_TIMEOUT, 30_000);
    assert.equal(config.CONFIG_PUSH_DROP_GUARD_SHARE, 0.5);
    assert.match(config.CONFIG_PUSH_REPLICA_ID, /^[A-Za-z0-9._-]+:\d+:[0-9a-f]{6}$/);
    assert.ok(Object.isFrozen(config));
  });

  it('names the variable and the reason for a bad value', () => {
    rejects(
      { CONFIG_PUSH_WAIT_MIN: '2s', CONFIG_PUSH_WAIT_MAX: '1s' },
      'CONFIG_PUSH_WAIT_MIN',
      /must not exceed/,
    );
    rejects({ CONFIG_PUSH_NODE_TIMEOUT: 'soon' }, 'CONFIG_PUSH_NODE_TIMEOUT', /not a duration/);
    rejects(
      { CONFIG_PUSH_REMOTE_COMMAND: 'sudo apply; rm -rf /' },
      'CONFIG_PUSH_REMOTE_COMMAND',
      /command line/,
    );
    rejects({ CONFIG_PUSH_DROP_GUARD_SHARE: '1.5' }, 'CONFIG_PUSH_DROP_GUARD_SHARE', /.+/);
    rejects({ CONFIG_PUSH_ALERT_WEBHOOK_URL: 'ftp://x' }, 'CONFIG_PUSH_ALERT_WEBHOOK_URL', /http/);
    rejects(
      { CONFIG_PUSH_SSH_CONNECT_TIMEOUT: '40s' },
      'CONFIG_PUSH_SSH_CONNECT_TIMEOUT',
      /shorter than CONFIG_PUSH_NODE_TIMEOUT/,
    );
  });

  it('refuses a private key it cannot read or parse', () => {
    rejects(
      { CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: '/nonexistent/id_ed25519' },
      'CONFIG_PUSH_SSH_PRIVATE_KEY_FILE',
      /cannot read .*ENOENT/,
    );
    const bad = join(dir, 'id_bad');
    writeFileSync(bad, 'not a key\n');
    rejects(
      { CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: bad },
      'CONFIG_PUSH_SSH_PRIVATE_KEY_FILE',
      /not a usable private key/,
    );
  });

  it('never shows a secret in a configuration error: passphrase, Redis password, webhook and DingTalk credentials', () => {
    const encrypted = join(dir, 'id_encrypted');
    const passphrase = 'pp-Zq8-never-printed';
    writeFileSync(
      encrypted,
      ed25519KeyPair({ passphrase, cipher: 'aes256-ctr', rounds: 4 }).private,
      { mode: 0o600 },
    );
    assert.equal(
      load({
        CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: encrypted,
        CONFIG_PUSH_SSH_PRIVATE_KEY_PASSPHRASE: passphrase,
      }).CONFIG_PUSH_SSH_PRIVATE_KEY_PASSPHRASE,
      passphrase,
    );
    const secrets = ['pp-Zq8', 'redis-pw-Zq8', 'hook-pw-Zq8', 'ding-token-Zq8', 'ding-secret-Zq8'];
    const cases: Array<[Record<string, string>, string]> = [
      [
        {
          CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: encrypted,
          CONFIG_PUSH_SSH_PRIVATE_KEY_PASSPHRASE: 'pp-Zq8-wrong',
        },
        'CONFIG_PUSH_SSH_PRIVATE_KEY_FILE',
      ],
      [{ REDIS_URL: 'redis://:redis-pw-Zq8@' }, 'REDIS_URL'],
      [{ REDIS_URL: 'http://:redis-pw-Zq8@redis:6379' }, 'REDIS_URL'],
      [
        {
          CONFIG_PUSH_ALERT_WEBHOOK_URLS:
            'https://ok.example/a,ftp://ops:hook-pw-Zq8@hooks.example/x',
        },
        'CONFIG_PUSH_ALERT_WEBHOOK_URLS',
      ],
      [{ CONFIG_PUSH_ALERT_WEBHOOK_URLS: 'hook-pw-Zq8' }, 'CONFIG_PUSH_ALERT_WEBHOOK_URLS'],
      [
        { CONFIG_PUSH_ALERT_WEBHOOK_URL: 'ftp://ops:hook-pw-Zq8@hooks.example/x' },
        'CONFIG_PUSH_ALERT_WEBHOOK_URL',
      ],
      [
        {
          CONFIG_PUSH_ALERT_DINGTALK_URL:
            'ftp://oapi.dingtalk.com/robot/send?access_token=ding-token-Zq8',
        },
        'CONFIG_PUSH_ALERT_DINGTALK_URL',
      ],
      [
        { CONFIG_PUSH_ALERT_DINGTALK_SECRET: 'ding-secret-Zq8' },
        'CONFIG_PUSH_ALERT_DINGTALK_SECRET',
      ],
      [{ REDIS_SENTINELS: 'redis-pw-Zq8' }, 'REDIS_SENTINELS'],
    ];
    for (const [env, variable] of cases) {
      let thrown: unknown;
      try {
        load(env);
      } catch (error) {
        thrown = error;
      }
      assert.ok(thrown instanceof ConfigError, `${variable} is refused`);
      assert.equal(thrown.variable, variable);
      for (const secret of secrets)
        assert.ok(
          !thrown.message.includes(secret),
          `${variable}: the error shows no secret (${thrown.message})`,
        );
    }
  });
});
