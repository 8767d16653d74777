import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  APPLY_SCRIPT,
  childPids,
  generateSshKey,
  onCleanup,
  pidAlive,
  startGatewayNode,
  tempDir,
  waitFor,
  type GatewayNode,
} from '@gateway/testkit';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const CONFIRM_TIMEOUT_S = 10;

/** The file config-push renders for one group's backend. */
const render = (port: number) =>
  `upstream gateway_backend {\n    server 127.0.0.1:${port} weight=1 max_fails=1 fail_timeout=10s;\n}\n\n` +
  `map $http_x_gateway_group $gateway_upstream {\n    default gateway_backend;\n}\n`;

/** A backend that answers its own name. */
async function backend(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((_request, response) => response.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => server.close());
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { port: address.port, server };
}

/** One fresh connection through the node's nginx: the body, or the error's code. */
function through(node: GatewayNode): Promise<string> {
  return new Promise((resolve) => {
    const request = get(`${node.nginx.url}/`, { agent: false, timeout: 2_000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(body));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve(`error ${error.message}`));
  });
}

describe('the apply script confirms a reload by the new workers and the old ones retiring', () => {
  let node: GatewayNode;
  let applyConf: string;
  let revision = 0;
  const apply = (content: string) => {
    revision += 1;
    const started = performance.now();
    const result = spawnSync(
      'bash',
      [APPLY_SCRIPT, 'apply', node.livePath, String(revision), sha256(content)],
      {
        input: content,
        env: { PATH: process.env['PATH'], GATEWAY_APPLY_CONF: applyConf },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return { ...result, ms: performance.now() - started };
  };
  const masterPid = () => Number(readFileSync(join(node.nginx.dir, 'nginx.pid'), 'utf8').trim());

  beforeAll(async () => {
    node = await startGatewayNode('127.0.0.3', generateSshKey().publicKey);
    // The node's own apply config, with its confirmation bound stated here.
    const nodeConf = readFileSync(join(node.stateDir, '..', 'apply.conf'), 'utf8');
    applyConf = join(tempDir('apply-confirm'), 'apply.conf');
    writeFileSync(
      applyConf,
      nodeConf.replace(/^CONFIRM_TIMEOUT=.*$/m, `CONFIRM_TIMEOUT=${CONFIRM_TIMEOUT_S}`),
      { mode: 0o644 },
    );
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('every new connection through the node meets the new config once apply answered', async () => {
    const first = await backend('first');
    const result = apply(render(first.port));
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^APPLIED /);
    console.log(
      `[figure] apply (upload checks, nginx -t, reload, confirmation): ${Math.round(result.ms)} ms`,
    );
    const bodies = await Promise.all(Array.from({ length: 6 }, () => through(node)));
    assert.deepEqual(
      bodies,
      Array.from({ length: 6 }, () => 'first'),
    );
  });

  it('an old worker that does not retire neither holds the apply nor goes unrecorded', async () => {
    const master = masterPid();
    const oldWorkers = childPids(master);
    assert.ok(oldWorkers.length > 0, 'nginx runs workers');
    // A frozen worker cannot act on the master's order to shut down.
    for (const pid of oldWorkers) process.kill(pid, 'SIGSTOP');
    const resume = () => {
      for (const pid of oldWorkers) if (pidAlive(pid)) process.kill(pid, 'SIGCONT');
    };
    onCleanup(resume);
    const second = await backend('second');
    const result = apply(render(second.port));
    try {
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^APPLIED /);
      assert.ok(
        result.ms < CONFIRM_TIMEOUT_S * 1000,
        `apply answered in ${Math.round(result.ms)} ms, before its confirmation bound`,
      );
      assert.deepEqual(
        node
          .journal()
          .filter((entry) => entry.revision === revision)
          .map((entry) => entry.outcome),
        ['old-workers-lingering', 'applied'],
      );
    } finally {
      resume();
    }
    await waitFor('the old workers to exit once they run again', () =>
      oldWorkers.every((pid) => !pidAlive(pid)),
    );
    await waitFor(
      'nginx to route to the second backend',
      async () => (await through(node)) === 'second',
      {
        timeoutMs: 5_000,
        intervalMs: 20,
      },
    );
  });

  it('no lingering is recorded when the old workers retire as nginx tells them', async () => {
    const third = await backend('third');
    const result = apply(render(third.port));
    assert.equal(result.status, 0, result.stderr);
    const applied = revision;
    assert.deepEqual(
      node
        .journal()
        .filter((entry) => entry.revision === applied)
        .map((entry) => entry.outcome),
      ['applied'],
    );
  });
});
