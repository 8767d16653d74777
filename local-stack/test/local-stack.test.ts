// `npm start` as a user runs it: the compiled local stack as a child process on its real,
// fixed ports (127.0.0.1:50051–50053; no other test binds them: the test kit's freePort never
// hands them out), with its state in a temp dir and JSON logs (stdout is not a terminal).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ClientError, createChannel, createClient, Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { channelCredentials, type ClientTlsFiles } from '@gateway/shared';
import {
  isRunning,
  REPO_ROOT,
  startProcess,
  StopWaiting,
  tempDir,
  waitFor,
  type ManagedProcess,
} from '@gateway/testkit';
import { portIsFree } from '../src/ports/port-check.js';
import type { StackDescription } from '../src/stack-description.js';

const ENTRY = join(REPO_ROOT, 'local-stack', 'dist', 'src', 'main.js');
const run = promisify(execFile);

type LogEntry = { source: string; msg: string; level: number } & Record<string, unknown>;
type RunningStack = { process: ManagedProcess; entries: LogEntry[] };

function startLocalStack(stateDir: string, env: Record<string, string> = {}): RunningStack {
  const child = startProcess('local-stack', process.execPath, [ENTRY], {
    env: {
      PATH: process.env['PATH'] ?? '',
      LOCAL_STACK_DIR: stateDir,
      LOCAL_STACK_LOG: 'json',
      ...env,
    },
  });
  const entries: LogEntry[] = [];
  createInterface({ input: child.child.stdout! }).on('line', (line) => {
    try {
      entries.push(JSON.parse(line) as LogEntry);
    } catch {
      entries.push({ source: 'not-json', msg: line, level: 0 });
    }
  });
  return { process: child, entries };
}

async function curlCore(url: string): Promise<string> {
  const { stdout } = await run('curl', ['-sS', '--max-time', '5', url]);
  return (JSON.parse(stdout) as { core: string }).core;
}

const position = (entries: LogEntry[], source: string, msg: string, from = 0) =>
  entries.findIndex(
    (entry, index) => index >= from && entry.source === source && entry.msg === msg,
  );

describe('the local stack (npm start)', () => {
  const stateDir = tempDir('local-stack-state');
  let first: RunningStack;
  let stack: Omit<StackDescription, 'tokens'>;

  beforeAll(async () => {
    for (const port of [50051, 50052, 50053, 9451, 9452, 9453, 8088])
      assert.ok(
        await portIsFree('127.0.0.1', port),
        `127.0.0.1:${port} must be free for this test`,
      );
    const started = Date.now();
    first = startLocalStack(stateDir);
    const up = await waitFor(
      'the local stack to be up',
      () => {
        if (!isRunning(first.process))
          throw new StopWaiting(`it exited: ${first.process.output().slice(-3_000)}`);
        return first.entries.find((entry) => entry.msg === 'local stack is up');
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    stack = up['stack'] as typeof stack;
    console.log(`[figure] local stack ready in ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    if (first && isRunning(first.process)) await first.process.stop('SIGTERM', 60_000);
  });

  it('routes curl through each of its two Nginx nodes to both gateway-cores', async () => {
    assert.deepEqual(
      stack.nodes.map((node) => node.ip),
      ['127.0.0.2', '127.0.0.3'],
    );
    for (const node of stack.nodes) {
      const answeredBy = new Set<string>();
      for (let request = 0; request < 6; request++) answeredBy.add(await curlCore(node.url));
      assert.deepEqual([...answeredBy].sort(), ['core-1', 'core-2'], `through ${node.url}`);
    }
  });

  it('serves each service’s /metrics and /readyz on its own fixed metrics port', async () => {
    assert.deepEqual(stack.services.map((service) => service.metricsAddress).sort(), [
      '127.0.0.1:9451',
      '127.0.0.1:9452',
      '127.0.0.1:9453',
    ]);
    for (const service of stack.services) {
      const metrics = await fetch(`http://${service.metricsAddress}/metrics`, {
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(metrics.status, 200, `${service.name} /metrics`);
      assert.match(
        await metrics.text(),
        new RegExp(`gateway_redis_connection_up\\{[^}]*service="${service.name}"`),
      );
      const ready = await fetch(`http://${service.metricsAddress}/readyz`, {
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(ready.status, 200, `${service.name} /readyz`);
    }
  });

  it('serves the status console at the address it printed, showing both nodes', async () => {
    assert.equal(stack.console, 'http://127.0.0.1:8088/');
    const page = await fetch(stack.console);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /gateway status/);
    const snapshot = await waitFor(
      'the console to show both nodes UP',
      async () => {
        const status = (await (await fetch(`${stack.console}status.json`)).json()) as {
          model?: { nodes?: { ip: string; status: string }[] };
        };
        const nodes = status.model?.nodes ?? [];
        return nodes.length === 2 && nodes.every((node) => node.status === 'UP')
          ? nodes
          : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    assert.deepEqual(snapshot.map((node) => node.ip).sort(), ['127.0.0.2', '127.0.0.3']);
  });

  it('refuses a second start at once, naming the busy port and the running stack, and leaves the first alone', async () => {
    const tokensBefore = readFileSync(join(stateDir, 'tokens'), 'utf8');
    const started = Date.now();
    const second = startLocalStack(stateDir);
    const exit = await waitFor(
      'the second local stack to exit',
      () => (isRunning(second.process) ? false : second.process.exited),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const ms = Date.now() - started;
    console.log(`[figure] second local stack failed after ${ms} ms`);
    assert.equal(exit.code, 1);
    const error = second.entries.find((entry) => entry.level === 50);
    assert.ok(error, `an error entry in ${JSON.stringify(second.entries)}`);
    assert.match(
      error.msg,
      new RegExp(
        `^cannot start: port 127\\.0\\.0\\.1:50051 \\(registry\\) is already in use by pid \\d+ .*another local stack \\(pid ${first.process.pid}\\)`,
      ),
    );
    assert.ok(ms < 15_000, `failed at once (${ms} ms)`);
    assert.equal(readFileSync(join(stateDir, 'tokens'), 'utf8'), tokensBefore, 'tokens untouched');
    assert.ok(isRunning(first.process));
    assert.ok(['core-1', 'core-2'].includes(await curlCore(stack.nodes[0].url)));
  });

  it('on SIGINT deregisters the cores while the registry still runs, then stops everything and exits 0', async () => {
    const instanceIds = first.entries
      .filter((entry) => entry.msg === 'registrar: registered')
      .map((entry) => (entry['registrar'] as { instanceId: string }).instanceId);
    assert.equal(new Set(instanceIds).size, 2, 'two cores registered');
    const from = first.entries.length;
    const started = Date.now();
    first.process.child.kill('SIGINT');
    const exit = await waitFor(
      'the local stack to exit',
      () => (isRunning(first.process) ? false : first.process.exited),
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    console.log(
      `[figure] local stack stopped in ${Date.now() - started} ms (exit code ${exit.code})`,
    );
    const entries = first.entries;
    assert.deepEqual(exit, { code: 0, signal: null });

    // The registry itself logged both deregistrations before it began to drain.
    const draining = position(entries, 'registry', 'draining', from);
    assert.ok(draining > 0, 'the registry drained');
    for (const id of instanceIds) {
      const deregistered = entries.findIndex(
        (entry, index) =>
          index >= from &&
          entry.source === 'registry' &&
          entry.msg === 'instance deregistered' &&
          entry['id'] === id,
      );
      assert.ok(
        deregistered > 0 && deregistered < draining,
        `${id} deregistered before the registry drained`,
      );
    }
    for (const core of ['core-1', 'core-2']) {
      assert.ok(
        position(entries, core, 'registrar: deregistered', from) > 0,
        `${core} deregistered`,
      );
      const failed = entries.filter(
        (entry) =>
          entry.source === core &&
          (entry['registrar'] as { type?: string } | undefined)?.type === 'call-failed',
      );
      assert.deepEqual(failed, [], `${core} had no failed call`);
    }
    // The stack's own account of the order.
    const order = [
      'stopping the status console',
      'stopped the status console',
      'stopped the gateway-cores',
      'stopping the services',
      'stopped the services',
      'stopping the Nginx nodes (nginx + sshd)',
      'stopping redis-server',
      'local stack stopped cleanly',
    ].map((msg) => position(entries, 'local-stack', msg, from));
    assert.ok(
      order.every((index, i) => index > 0 && (i === 0 || index > order[i - 1])),
      `order ${order.join(', ')}`,
    );
    assert.ok(await portIsFree('127.0.0.1', 50051), 'the registry port is free again');
    assert.ok(await portIsFree('127.0.0.1', 8088), 'the console port is free again');
    await assert.rejects(
      run('curl', ['-sS', '--max-time', '2', stack.nodes[0].url]),
      'the nodes are gone',
    );
  });
});

describe('the local stack with LOCAL_STACK_TLS=mtls', () => {
  const stateDir = tempDir('local-stack-mtls');
  let stack: RunningStack;
  let description: Omit<StackDescription, 'tokens'>;

  beforeAll(async () => {
    stack = startLocalStack(stateDir, { LOCAL_STACK_TLS: 'mtls' });
    const up = await waitFor(
      'the mTLS local stack to be up',
      () => {
        if (!isRunning(stack.process))
          throw new StopWaiting(`it exited: ${stack.process.output().slice(-3_000)}`);
        return stack.entries.find((entry) => entry.msg === 'local stack is up');
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    description = up['stack'] as typeof description;
  });
  afterAll(async () => {
    if (stack && isRunning(stack.process)) await stack.process.stop('SIGTERM', 60_000);
  });

  const check = async (tls: ClientTlsFiles | undefined) => {
    const channel = createChannel('127.0.0.1:50051', channelCredentials(tls), {
      'grpc.use_local_subchannel_pool': 1,
    });
    try {
      return await createClient(HealthDefinition, channel).check(
        { service: '' },
        { signal: AbortSignal.timeout(5_000) },
      );
    } finally {
      channel.close();
    }
  };

  it('registers its cores over mTLS, refuses plaintext, and names its TLS files in context.json', async () => {
    if (description.nodes.length > 0) assert.equal(description.cores.length, 2);
    const context = JSON.parse(readFileSync(join(stateDir, 'context.json'), 'utf8')) as Record<
      string,
      string
    >;
    const tls = {
      caFile: context['tlsCaFile'],
      certFile: context['tlsCertFile'],
      keyFile: context['tlsKeyFile'],
    };
    assert.ok(tls.caFile && tls.certFile && tls.keyFile, JSON.stringify(context));
    await assert.rejects(
      check(undefined),
      (error: unknown) => error instanceof ClientError && error.code === Status.UNAVAILABLE,
    );
    await assert.rejects(
      check({ caFile: tls.caFile }),
      (error: unknown) => error instanceof ClientError && error.code === Status.UNAVAILABLE,
    );
    assert.ok(await check(tls));
  });
});
