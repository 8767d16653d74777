import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createLogger, type StoredInstance } from '@gateway/shared';
import { generateSshKey, startGatewayNode, tempDir, type GatewayNode } from '@gateway/testkit';
import { applyOnNode } from '../src/push/apply-on-node.js';
import { PushError } from '../src/push/push-error.js';
import { SshPool } from '../src/push/ssh-pool.js';
import { checkRenderGrammar } from '../src/render/render-grammar.js';
import { renderUpstreams } from '../src/render/render-upstreams.js';
import { checkWithApplyScript } from './support/apply-check.js';
import { installSudoLogin } from './support/sudo-login.js';
import { storedInstance as instance } from '../src/render/stored-instance.fixture.js';

const USER = 'gwpush-grammar';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A store epoch, as the registry creates it (the node refuses none it has not seen older). */
const EPOCH = '1764000000000-0123456789abcdef';

/** The real script's `check` on `content`, run locally (grammar only). */
const checkLocally = checkWithApplyScript;

describe('the node refuses what the renderer would never write', () => {
  let node: GatewayNode;
  let pool: SshPool;
  let scriptPath: string;
  let trap: string;
  beforeAll(async () => {
    ({ scriptPath } = installSudoLogin(USER));
    const key = generateSshKey();
    node = await startGatewayNode('127.0.0.2', key.publicKey, { sshUser: USER });
    pool = SshPool({
      privateKeyFile: key.privateKeyPath,
      passphrase: undefined,
      knownHostsFile: '/nonexistent',
      connectTimeoutMs: 5_000,
      commandTimeoutMs: 30_000,
      idleTimeoutMs: 0,
      logger: createLogger('grammar-test', 'silent'),
    });
    trap = join(tempDir('grammar-trap'), 'written-by-nginx-t');
  });
  afterAll(async () => {
    pool?.close();
    await node?.stop();
  });

  const hostile = (): Array<[string, string]> => [
    ['access_log', `access_log /etc/cron.d/x;\naccess_log ${trap};\n`],
    ['include', `include /etc/shadow;\nerror_log ${trap};\n`],
    ['load_module', `load_module ${trap};\n`],
    [
      'a directive after a server line',
      `upstream gateway_backend {\n    server 10.0.0.1:80 weight=1 max_fails=1 fail_timeout=10s; access_log ${trap};\n}\n`,
    ],
    [
      'an unescaped include in the map',
      `upstream gateway_backend {\n    server 10.0.0.1:80 weight=1 max_fails=1 fail_timeout=10s;\n}\nmap $http_x_gateway_group $gateway_upstream {\n    default gateway_backend;\n    include ${trap};\n}\n`,
    ],
    [
      'a unix socket server',
      'upstream gateway_backend {\n    server unix:80 weight=1 max_fails=1 fail_timeout=10s;\n}\n',
    ],
    ['a block left open', 'upstream gateway_backend {\n'],
    ['a NUL byte', 'upstream gateway_backend {\n    ser\u0000ver 10.0.0.1:80;\n}\n'],
  ];

  it('as the push user through sudo, refuses a file with access_log, include or load_module and writes nothing outside the upstream file', async () => {
    const liveDir = dirname(node.livePath);
    const liveBefore = readFileSync(node.livePath);
    const dirBefore = readdirSync(liveDir).sort();
    const errorLogBefore = existsSync(node.nginx.errorLogPath)
      ? readFileSync(node.nginx.errorLogPath, 'utf8').length
      : 0;
    for (const [what, content] of hostile()) {
      const result = await pool.exec(
        node.spec().ssh,
        `sudo -n ${scriptPath} apply '${node.livePath}' 7 ${sha256(content)}`,
        content,
        AbortSignal.timeout(30_000),
      );
      assert.equal(result.code, 8, `${what}: refused with exit 8 (${result.stderr})`);
      assert.match(result.stderr, /not a render of config-push/, what);
    }
    assert.equal(existsSync(trap), false, 'nginx -t never ran on a hostile file');
    assert.equal(existsSync('/etc/cron.d/x'), false);
    assert.ok(readFileSync(node.livePath).equals(liveBefore), 'the live file is untouched');
    assert.deepEqual(readdirSync(liveDir).sort(), dirBefore, 'no staged or backup file left');
    const errorLog = existsSync(node.nginx.errorLogPath)
      ? readFileSync(node.nginx.errorLogPath, 'utf8')
      : '';
    assert.doesNotMatch(errorLog.slice(errorLogBefore), /reconfiguring/, 'nginx never reloaded');
    const journal = node.journal().map((entry) => entry.outcome);
    assert.equal(journal.filter((outcome) => outcome === 'refused').length, hostile().length);
  });

  it('accepts through `test` a render it would apply, without installing it', async () => {
    const content = renderUpstreams([instance('default', '127.0.0.1', 8080)]).content;
    const liveBefore = readFileSync(node.livePath);
    const result = await pool.exec(
      node.spec().ssh,
      `sudo -n ${scriptPath} test '${node.livePath}' ${sha256(content)}`,
      content,
      AbortSignal.timeout(30_000),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^TESTED 0 [0-9a-f]{64}$/m);
    assert.ok(readFileSync(node.livePath).equals(liveBefore), 'test never installs');
  });

  it('accepts every render of a wide variety of valid instances (IPv4, IPv6, names, every parameter, many groups)', () => {
    const hosts = [
      '10.0.0.1',
      '255.255.255.255',
      '2001:db8::1',
      '::1',
      '::ffff:10.0.0.1',
      'fe80::1:2:3:4',
      'core.example.internal',
      'a',
      'x-1.y-2.z',
      `${'l'.repeat(63)}.example`,
    ];
    const groups = [
      'default',
      'payments',
      'include',
      'hostnames',
      'volatile',
      'a',
      '0',
      'with-dash_and_underscore',
      'g'.repeat(40),
    ];
    const instances: StoredInstance[] = [];
    let port = 1;
    for (const group of groups) {
      for (const host of hosts) {
        const variant = port % 6;
        instances.push(
          instance(group, host, port === 1 ? 65535 : port, {
            weight: (port % 100) + 1,
            ...(variant === 1 ? { maxFails: 0, failTimeoutSeconds: 1 } : {}),
            ...(variant === 2 ? { maxFails: 100, failTimeoutSeconds: 3600 } : {}),
            ...(variant === 3 ? { backup: true } : {}),
            ...(variant === 4 ? { adminState: 'draining' as const } : {}),
            ...(variant === 5 ? { backup: true, adminState: 'draining' as const } : {}),
          }),
        );
        port += 1;
      }
    }
    const renders = [
      renderUpstreams(instances),
      renderUpstreams(instances.filter((entry) => entry.spec.group !== 'default')),
      renderUpstreams(instances.slice(0, 1)),
      renderUpstreams(
        Array.from({ length: 200 }, (_, index) =>
          instance(`g${index % 50}`, index % 2 ? '10.1.2.3' : 'h.io', index + 1),
        ),
      ),
    ];
    for (const render of renders) {
      assert.ok(render.skipped.length === 0, JSON.stringify(render.skipped));
      const result = checkLocally(render.content);
      assert.equal(result.code, 0, `the script refused a render: ${result.stderr}`);
      assert.equal(checkRenderGrammar(render.content), undefined, 'the center agrees');
    }
    console.log(
      `[figure] renders checked by the apply script: ${renders.length}, server lines: ${renders.reduce((sum, render) => sum + render.servers, 0)}`,
    );
  });

  it("refuses through `check` what is not a render, naming the line, as does the center's copy of the grammar", () => {
    for (const [what, content] of hostile()) {
      const result = checkLocally(content);
      assert.equal(result.code, 8, `${what}: ${result.stderr}`);
      assert.notEqual(checkRenderGrammar(content), undefined, `${what}: the center agrees`);
    }
    const result = checkLocally('# comment\n\nupstream gateway_x {\n    server 10.0.0.1:80;\n}\n');
    assert.match(result.stderr, /line 4 is not one the renderer writes/);
  });

  it('a node with a smaller MAX_BYTES refuses a larger render as too large, naming its limit', async () => {
    appendFileSync(join(dirname(node.stateDir), 'apply.conf'), 'MAX_BYTES=600\n');
    const content = renderUpstreams(
      Array.from({ length: 20 }, (_, index) => instance('default', '127.0.0.1', 9000 + index)),
    ).content;
    const liveBefore = readFileSync(node.livePath);
    await assert.rejects(
      applyOnNode({
        pool,
        node: node.spec(),
        remoteCommand: `sudo -n ${scriptPath}`,
        config: {
          epoch: EPOCH,
          revision: 50,
          hash: sha256(content),
          content: [Buffer.from(content)],
        },
        signal: AbortSignal.timeout(30_000),
      }),
      (error: unknown) =>
        error instanceof PushError &&
        error.kind === 'too_large' &&
        /MAX_BYTES=600/.test(error.message),
    );
    assert.ok(readFileSync(node.livePath).equals(liveBefore));
    assert.equal(node.journal().at(-1)?.outcome, 'too-large');
  });
});
