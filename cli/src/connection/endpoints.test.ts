import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { CliError, ExitCode } from '../exit-codes.js';
import { parseContext } from './context-file.js';
import { parseTimeout, readTokenFile, resolveEndpoints } from './endpoints.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'gatewayctl-unit-'));
const isUsage = (error: unknown) => error instanceof CliError && error.exitCode === ExitCode.USAGE;

describe('finding the services', () => {
  it('takes flags over the environment over the context file over the defaults', () => {
    const cwd = scratch();
    mkdirSync(join(cwd, '.local-stack'));
    writeFileSync(
      join(cwd, '.local-stack', 'context.json'),
      JSON.stringify({
        registry: 'ctx:1',
        health: 'ctx:2',
        configPush: 'ctx:3',
        token: 'ctx-token',
      }),
    );
    const env = { HOME: cwd, GATEWAY_HEALTH: 'env:2', GATEWAY_TOKEN: 'env-token' };
    const endpoints = resolveEndpoints({ configPush: 'flag:3' }, env, cwd);
    assert.deepEqual(
      [endpoints.registry, endpoints.health, endpoints.configPush, endpoints.token],
      ['ctx:1', 'env:2', 'flag:3', 'env-token'],
    );
    assert.equal(endpoints.contextPath, join(cwd, '.local-stack', 'context.json'));
    mkdirSync(join(cwd, 'services', 'health'), { recursive: true });
    const below = resolveEndpoints({}, { HOME: scratch() }, join(cwd, 'services', 'health'));
    assert.equal(below.registry, 'ctx:1', 'found from a directory below');
    const bare = resolveEndpoints({}, { HOME: scratch() }, scratch());
    assert.deepEqual(
      [bare.registry, bare.health, bare.configPush, bare.token],
      ['127.0.0.1:50051', '127.0.0.1:50052', '127.0.0.1:50053', undefined],
    );
  });

  it('reads ~/.config/gateway/context.json and a token file beside it', () => {
    const home = scratch();
    mkdirSync(join(home, '.config', 'gateway'), { recursive: true });
    writeFileSync(
      join(home, '.config', 'gateway', 'tokens'),
      '# tokens\ncore:cccccccccccccccc\nadmin:aaaaaaaaaaaaaaaa\n',
    );
    writeFileSync(
      join(home, '.config', 'gateway', 'context.json'),
      JSON.stringify({ registry: 'r:1', tokenFile: 'tokens' }),
    );
    const endpoints = resolveEndpoints({}, { HOME: home }, scratch());
    assert.equal(endpoints.registry, 'r:1');
    assert.equal(endpoints.token, 'aaaaaaaaaaaaaaaa');
  });

  it('takes TLS files from flags over the environment over the context file (relative to it); none is plaintext', () => {
    const home = scratch();
    mkdirSync(join(home, '.config', 'gateway'), { recursive: true });
    writeFileSync(
      join(home, '.config', 'gateway', 'context.json'),
      JSON.stringify({ tlsCaFile: 'ca.crt', tlsCertFile: 'me.crt', tlsKeyFile: 'me.key' }),
    );
    const dir = join(home, '.config', 'gateway');
    assert.deepEqual(resolveEndpoints({}, { HOME: home }, scratch()).tls, {
      caFile: join(dir, 'ca.crt'),
      certFile: join(dir, 'me.crt'),
      keyFile: join(dir, 'me.key'),
    });
    const overridden = resolveEndpoints(
      { tlsCa: '/flag/ca.crt' },
      { HOME: home, GATEWAY_TLS_CERT_FILE: '/env/me.crt' },
      scratch(),
    );
    assert.deepEqual(overridden.tls, {
      caFile: '/flag/ca.crt',
      certFile: '/env/me.crt',
      keyFile: join(dir, 'me.key'),
    });
    assert.equal(resolveEndpoints({}, { HOME: scratch() }, scratch()).tls, undefined);
    assert.throws(
      () => resolveEndpoints({ tlsCert: '/me.crt' }, { HOME: scratch() }, scratch()),
      isUsage,
    );
  });

  it('refuses a context with unknown keys, a named context that is missing, and bad addresses', () => {
    assert.throws(() => parseContext('{"registy":"a:1"}', 'c.json'), isUsage);
    assert.throws(() => parseContext('{"registry":1}', 'c.json'), isUsage);
    assert.throws(() => parseContext('[]', 'c.json'), isUsage);
    assert.throws(
      () => resolveEndpoints({ context: '/nonexistent/context.json' }, {}, scratch()),
      isUsage,
    );
    assert.throws(
      () => resolveEndpoints({ registry: 'no-port' }, { HOME: scratch() }, scratch()),
      isUsage,
    );
  });

  it('reads a bare token, or the admin line of a token list', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bare'), 'tttttttttttttttt\n');
    writeFileSync(join(dir, 'core-only'), 'core:cccccccccccccccc\n');
    assert.equal(readTokenFile(join(dir, 'bare')), 'tttttttttttttttt');
    assert.throws(() => readTokenFile(join(dir, 'core-only')), isUsage);
    writeFileSync(join(dir, 'hash'), '# list\nadmin:aaaa#aaaaaaaaaaaa # the admin\n');
    assert.equal(readTokenFile(join(dir, 'hash')), 'aaaa#aaaaaaaaaaaa', 'a # inside is kept');
    writeFileSync(
      join(dir, 'yaml'),
      'tokens:\n  - { name: c, role: core, token: cccccccccccccccc }\n  - { name: ops, role: admin, token: "aaaaaaaaaaaaaaaa" }\n',
    );
    assert.equal(readTokenFile(join(dir, 'yaml')), 'aaaaaaaaaaaaaaaa');
  });

  it('parses call bounds and refuses silly ones', () => {
    assert.equal(parseTimeout('10s'), 10_000);
    assert.equal(parseTimeout('250ms'), 250);
    assert.equal(parseTimeout('2m'), 120_000);
    assert.throws(() => parseTimeout('0s'), isUsage);
    assert.throws(() => parseTimeout('soon'), isUsage);
  });
});
