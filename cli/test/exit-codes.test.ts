import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { freePort, tempDir, waitFor } from '@gateway/testkit';
import { startCliWorld, type CliWorld } from './support/cli-world.js';
import { runCli, spawnCli } from './support/run-cli.js';

let world: CliWorld;
/** gatewayctl in the world's directory: the context file there is all it needs. */
const ctl = (args: readonly string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: world.cwd, env });

beforeAll(async () => {
  world = await startCliWorld({ nodes: 0 });
});
afterAll(async () => {
  await world?.close();
});

describe('gatewayctl exit codes', () => {
  it('a wrong token is 3, on reads, writes, streams and the status screen', async () => {
    const wrong = { GATEWAY_TOKEN: 'wrong-token-0123456789' };
    for (const args of [
      ['nodes', 'list'],
      ['status', '--json'],
      ['push', '--force'],
      ['watch', 'nodes', '--count', '1'],
      ['instances', 'deregister', 'g/127.0.0.1/1'],
    ]) {
      const run = await ctl(args, wrong);
      assert.equal(run.code, 3, `${args.join(' ')}: ${run.stderr}`);
      // status reports each service's error in its output (JSON here), the others on stderr.
      assert.match(run.stderr + run.stdout, /UNAUTHENTICATED/, args.join(' '));
    }
  });

  it('an unknown node is 1, whatever the command', async () => {
    for (const args of [
      ['nodes', 'get', '127.0.0.99'],
      ['nodes', 'update', '127.0.0.99', '--label', 'x'],
      ['nodes', 'remove', '127.0.0.99'],
      ['nodes', 'probe', '127.0.0.99'],
      ['diff', '127.0.0.99'],
    ]) {
      const run = await ctl(args);
      assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /127\.0\.0\.99/, args.join(' '));
    }
  });

  it('the console: a bad --listen is 2, a port already taken is 1', async () => {
    const bad = await ctl(['console', '--listen', 'not-an-address']);
    assert.equal(bad.code, 2, bad.stderr);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const busy = await ctl(['console', '--listen', `127.0.0.1:${port}`]);
      assert.equal(busy.code, 1, busy.stderr);
      assert.match(busy.stderr, /EADDRINUSE/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('an unknown flag is 2, and so is a bad value', async () => {
    const flag = await ctl(['nodes', 'list', '--no-such-flag']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option/);
    const value = await ctl([
      'instances',
      'register',
      '--group',
      'g',
      '--host',
      'h',
      '--port',
      '70000',
    ]);
    assert.equal(value.code, 2);
  });

  it('an unreachable service is 3, within the call bound', async () => {
    const port = await freePort();
    const started = Date.now();
    const run = await runCli(
      ['nodes', 'list', '--health', `127.0.0.1:${port}`, '--timeout', '3s'],
      { env: world.env },
    );
    assert.equal(run.code, 3, run.stderr);
    console.log(`[figure] unreachable health service: exit 3 after ${Date.now() - started} ms`);
  });

  it('flags beat the environment, which beats the context file', async () => {
    const cwd = tempDir('cli-context');
    writeFileSync(
      join(cwd, 'context.json'),
      JSON.stringify({ health: '127.0.0.1:1', token: 'from-context-0123456' }),
    );
    const fromEnv = await runCli(
      ['nodes', 'list', '--json', '--context', join(cwd, 'context.json')],
      { env: world.env },
    );
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    const bad = await runCli(['nodes', 'list', '--context', join(cwd, 'context.json')], {
      env: { GATEWAY_TOKEN: world.env['GATEWAY_TOKEN'] ?? '' },
    });
    assert.equal(bad.code, 3, 'the context names an address nothing listens on');
    const flagWins = await runCli(['nodes', 'list', '--health', world.health.address], {
      env: { ...world.env, GATEWAY_HEALTH: '127.0.0.1:1' },
    });
    assert.equal(flagWins.code, 0, flagWins.stderr);
    const help = await ctl(['push', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--force/);
  });

  it('a watch ends with 0 on SIGTERM, and with 3 when its service goes away (the last test: it stops health)', async () => {
    const watch = spawnCli(['watch', 'nodes', '--json'], { cwd: world.cwd });
    await waitFor('the snapshot line', () => watch.output().includes('"snapshot":true'), {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    watch.child.kill('SIGTERM');
    assert.equal((await watch.done).code, 0);
    const broken = spawnCli(['watch', 'nodes', '--json'], { cwd: world.cwd });
    await waitFor('the snapshot line', () => broken.output().includes('"snapshot":true'), {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    await world.health.stop();
    const run = await broken.done;
    assert.equal(run.code, 3, run.stderr);
  });
});
