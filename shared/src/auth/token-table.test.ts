import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import {
  ConfigError,
  commonConfigShape,
  loadConfig,
  parseTokenList,
  TokenTable,
  tokenTableFromConfig,
} from '../index.js';

const load = (env: Record<string, string>) => loadConfig(commonConfigShape('127.0.0.1:50051'), env);

describe('bearer token table', () => {
  it('maps each token to its role and nothing else', () => {
    const table = TokenTable(
      parseTokenList(
        'admin:aaaaaaaaaaaaaaaa, core:bbbbbbbbbbbbbbbb\nsdk:cccccccccccccccc # the SDK',
        'GATEWAY_TOKENS',
      ),
    );
    assert.equal(table.size, 3);
    assert.equal(table.roleOf('aaaaaaaaaaaaaaaa'), 'admin');
    assert.equal(table.roleOf('bbbbbbbbbbbbbbbb'), 'core');
    assert.equal(table.roleOf('cccccccccccccccc'), 'sdk');
    assert.equal(table.roleOf('aaaaaaaaaaaaaaa'), undefined, 'a prefix is no match');
    assert.equal(table.roleOf(''), undefined);
  });

  it('names simple-form tokens by role and position, for logs and ownership', () => {
    const table = TokenTable(
      parseTokenList('core:bbbbbbbbbbbbbbbb,core:dddddddddddddddd\nsdk:cccccccccccccccc', 'X'),
    );
    assert.deepEqual(table.identify('dddddddddddddddd'), { name: 'core-2', role: 'core' });
    assert.deepEqual(
      table.identities.map((identity) => identity.name),
      ['core-1', 'core-2', 'sdk-1'],
    );
  });

  it('keeps a "#" inside a token and reads "#" after white space as a comment', () => {
    const table = TokenTable(
      parseTokenList('# tokens\ncore:abc#def0123456789 # the core\n  # sdk:off', 'GATEWAY_TOKENS'),
    );
    assert.equal(table.size, 1);
    assert.equal(table.roleOf('abc#def0123456789'), 'core');
    assert.equal(table.roleOf('abc'), undefined, 'never cut at the #');
  });

  it('never repeats any part of a malformed entry in its error', () => {
    const secret = 'Sup3rSecretValue-0123';
    for (const text of [secret, `root:${secret}`, `core ${secret}`, `core:${secret} tail`]) {
      assert.throws(
        () => parseTokenList(text, 'GATEWAY_TOKENS'),
        (error: Error) =>
          error instanceof ConfigError &&
          /entry 1/.test(error.message) &&
          !error.message.includes(secret.slice(0, 4)),
      );
    }
  });

  it('refuses one secret given twice', () => {
    assert.throws(
      () =>
        tokenTableFromConfig(
          load({ GATEWAY_TOKENS: 'core:bbbbbbbbbbbbbbbb,sdk:bbbbbbbbbbbbbbbb' }),
        ),
      /tokens\[1\] \("sdk-1"\): token is the same as tokens\[0\]'s/,
    );
  });

  it('rejects unknown roles and short tokens, naming the variable', () => {
    assert.throws(
      () => parseTokenList('root:aaaaaaaaaaaaaaaa', 'GATEWAY_TOKENS'),
      (error: ConfigError) => error.variable === 'GATEWAY_TOKENS',
    );
    assert.throws(() => parseTokenList('core:short', 'GATEWAY_TOKENS'), /16 to 4096 characters/);
  });

  it('reads GATEWAY_TOKENS_FILE, refuses both sources at once, and is never off silently', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gateway-tokens-')), 'tokens');
    writeFileSync(file, '# tokens\nadmin:ffffffffffffffff\n');
    assert.equal(
      tokenTableFromConfig(load({ GATEWAY_TOKENS_FILE: file }))?.roleOf('ffffffffffffffff'),
      'admin',
    );
    assert.throws(
      () =>
        tokenTableFromConfig(
          load({ GATEWAY_TOKENS_FILE: file, GATEWAY_TOKENS: 'admin:ffffffffffffffff' }),
        ),
      /not both/,
    );
    assert.throws(
      () => tokenTableFromConfig(load({ GATEWAY_TOKENS_FILE: '/nonexistent/tokens' })),
      /cannot read/,
    );
    assert.throws(() => tokenTableFromConfig(load({})), /no tokens configured/);
    assert.equal(tokenTableFromConfig(load({ GATEWAY_AUTH: 'disabled' })), undefined);
  });
});

describe('configuration loading', () => {
  it('applies defaults, parses durations, and freezes the result', () => {
    const config = load({ REDIS_COMMAND_TIMEOUT: '1.5s' });
    assert.equal(config.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.equal(config.GRPC_LISTEN, '127.0.0.1:50051');
    assert.equal(config.REDIS_COMMAND_TIMEOUT, 1500);
    assert.ok(Object.isFrozen(config));
  });

  it('names the variable and why', () => {
    assert.throws(
      () => load({ REDIS_COMMAND_TIMEOUT: '5 minutes' }),
      /REDIS_COMMAND_TIMEOUT: "5 minutes" is not a duration/,
    );
    assert.throws(() => load({ GRPC_LISTEN: '[::1]:99999' }), /GRPC_LISTEN: must be host:port/);
    assert.throws(
      () => load({ GATEWAY_AUTH: 'off' }),
      /GATEWAY_AUTH: must be "required" or "disabled"/,
    );
    assert.throws(
      () => load({ REDIS_SENTINELS: 'a,b' }),
      /REDIS_SENTINELS: must be a comma-separated list of host:port/,
    );
  });
});
