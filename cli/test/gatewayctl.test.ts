import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type {
  DiffVerdict,
  InstanceView,
  NodeView,
  ProbeView,
  PushResultView,
  StatusModel,
} from '@gateway/cli';
import { freePort, tempDir, waitFor } from '@gateway/testkit';
import { startBackend } from './support/backend.js';
import { startCliWorld, type CliWorld } from './support/cli-world.js';
import { json, jsonLines, runCli, type CliRun } from './support/run-cli.js';

let world: CliWorld;
/** gatewayctl in the world's directory: the context file there is all it needs. */
const ctl = (args: readonly string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: world.cwd, env });

function ok(run: CliRun): CliRun {
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}${run.stdout.slice(0, 1000)}`);
  return run;
}

beforeAll(async () => {
  world = await startCliWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('gatewayctl against a running control plane', () => {
  it('adds both nodes with `nodes add` and finds them UP with `nodes list` and `nodes get`', async () => {
    for (const node of world.nodes) {
      const spec = node.spec();
      const run = ok(
        await ctl([
          'nodes',
          'add',
          spec.ip,
          '--health-url',
          spec.healthUrl,
          '--ssh-host',
          spec.ssh.host,
          '--ssh-port',
          String(spec.ssh.port),
          '--ssh-user',
          spec.ssh.user,
          '--host-key',
          spec.ssh.hostKey ?? '',
          '--config-path',
          spec.configPath,
          '--label',
          `node-${spec.ip}`,
          '--json',
        ]),
      );
      assert.equal(json<NodeView>(run).ip, spec.ip);
    }
    await waitFor(
      'both nodes UP in `nodes list --json`',
      async () => {
        const nodes = json<NodeView[]>(ok(await ctl(['nodes', 'list', '--json'])));
        return nodes.length === 2 && nodes.every((node) => node.status === 'UP');
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const one = json<NodeView>(ok(await ctl(['nodes', 'get', '127.0.0.2', '--json'])));
    assert.equal(one.label, 'node-127.0.0.2');
    assert.equal(one.status, 'UP');
    assert.ok(one.since, 'the time of the last change is shown');
    const human = ok(await ctl(['nodes', 'list']));
    assert.match(human.stdout, /127\.0\.0\.3\s+node-127\.0\.0\.3\s+UP/);
  });

  it('changes a node with `nodes update`, probes it with `nodes probe`, removes one with `nodes remove`', async () => {
    const updated = json<NodeView>(
      ok(await ctl(['nodes', 'update', '127.0.0.3', '--label', 'backup-node', '--json'])),
    );
    assert.equal(updated.label, 'backup-node');
    assert.equal(
      updated.ssh?.port,
      world.nodes[1]?.spec().ssh.port,
      'flags not given keep their value',
    );
    const probes = json<ProbeView[]>(ok(await ctl(['nodes', 'probe', '127.0.0.2', '--json'])));
    assert.deepEqual(
      probes.map((probe) => [probe.ip, probe.healthy]),
      [['127.0.0.2', true]],
    );
    const port = await freePort();
    ok(
      await ctl(['nodes', 'add', '127.0.0.9', '--health-url', `http://127.0.0.9:${port}/healthz`]),
    );
    const failing = await ctl(['nodes', 'probe', '127.0.0.9', '--json']);
    assert.equal(failing.code, 1, 'an unhealthy probe is exit 1');
    assert.equal(json<ProbeView[]>(failing)[0]?.healthy, false);
    ok(await ctl(['nodes', 'remove', '127.0.0.9']));
    const gone = await ctl(['nodes', 'get', '127.0.0.9']);
    assert.equal(gone.code, 1, `unknown node is exit 1: ${gone.stderr}`);
    assert.match(gone.stderr, /NOT_FOUND/);
  });

  it('registers, lists, gets, drains and deregisters instances', async () => {
    const backend = await startBackend('core-a');
    try {
      const registered = json<{ created: boolean; instance: InstanceView }>(
        ok(
          await ctl([
            'instances',
            'register',
            '--group',
            'orders',
            '--host',
            '127.0.0.1',
            '--port',
            String(backend.port),
            '--weight',
            '3',
            '--lease',
            '1h',
            '--meta',
            'zone=a',
            '--json',
          ]),
        ),
      );
      assert.equal(registered.created, true);
      const id = `orders/127.0.0.1/${backend.port}`;
      assert.equal(registered.instance.id, id);
      const listed = json<{ instances: InstanceView[] }>(
        ok(await ctl(['instances', 'list', '--group', 'orders', '--json'])),
      );
      assert.deepEqual(
        listed.instances.map((instance) => instance.id),
        [id],
      );
      const got = json<InstanceView>(ok(await ctl(['instances', 'get', id, '--json'])));
      assert.deepEqual([got.weight, got.metadata, got.adminState], [3, { zone: 'a' }, 'ENABLED']);
      const drained = json<{ instance: InstanceView }>(
        ok(await ctl(['instances', 'drain', id, '--json'])),
      );
      assert.equal(drained.instance.adminState, 'DRAINING');
      const back = json<{ instance: InstanceView }>(
        ok(await ctl(['instances', 'drain', id, '--undo', '--json'])),
      );
      assert.equal(back.instance.adminState, 'ENABLED');
      ok(await ctl(['instances', 'deregister', id]));
      const missing = await ctl(['instances', 'get', id]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /not registered/);
    } finally {
      await backend.close();
    }
  });

  it('renders, pushes with per-node progress, and diffs each node as running the rendered config', async () => {
    const backend = await startBackend('core-b');
    try {
      ok(
        await ctl([
          'instances',
          'register',
          '--group',
          'default',
          '--host',
          '127.0.0.1',
          '--port',
          String(backend.port),
          '--lease',
          '1h',
        ]),
      );
      const render = json<{ content: string; contentHash: string }>(
        ok(await ctl(['render', '--json'])),
      );
      assert.match(render.content, new RegExp(`server 127\\.0\\.0\\.1:${backend.port}`));
      const out = join(tempDir('cli-render'), 'upstreams.conf');
      ok(await ctl(['render', '--out', out]));
      const push = ok(await ctl(['push', '--force', '--json']));
      const lines = jsonLines<{ event: string } & Partial<PushResultView> & { failed?: number }>(
        push,
      );
      const results = lines.filter((line) => line.event === 'result');
      assert.deepEqual(
        [...new Set(results.map((line) => line.nodeIp))].sort(),
        ['127.0.0.2', '127.0.0.3'],
        'one progress line per node',
      );
      assert.ok(
        results.every((line) => line.outcome === 'APPLIED' || line.outcome === 'UNCHANGED'),
        push.stdout,
      );
      assert.equal(lines.at(-1)?.event, 'summary');
      assert.equal(lines.at(-1)?.failed, 0);
      // Without --force: nothing changed, every node already runs it.
      const again = jsonLines<{ event: string; failed?: number }>(
        ok(await ctl(['push', '--json'])),
      );
      assert.equal(again.at(-1)?.event, 'summary');
      assert.equal(again.at(-1)?.failed, 0);
      for (const node of world.nodes) {
        const verdict = json<DiffVerdict>(ok(await ctl(['diff', node.ip, '--json'])));
        assert.equal(verdict.same, true, verdict.reason);
        assert.equal(verdict.applied?.contentHash, render.contentHash);
      }
      const unknown = await ctl(['diff', '127.0.0.99']);
      assert.equal(unknown.code, 1, 'diff of an unknown node is exit 1');
    } finally {
      await backend.close();
    }
  });

  it('shows everything on one `status` screen, from the context file alone', async () => {
    const status = json<StatusModel>(ok(await ctl(['status', '--json'])));
    assert.deepEqual(status.errors, []);
    assert.ok(status.push?.leader, 'the push leader is named');
    assert.deepEqual(status.nodes?.map((node) => [node.ip, node.status, node.upToDate]).sort(), [
      ['127.0.0.2', 'UP', true],
      ['127.0.0.3', 'UP', true],
    ]);
    assert.ok(status.nodes?.every((node) => node.appliedRevision === status.push?.desiredRevision));
    assert.deepEqual(
      status.instances?.groups.map((group) => group.group),
      ['default'],
    );
    const screen = ok(await ctl(['status']));
    assert.match(screen.stdout, /leader \S+/);
    assert.match(screen.stdout, /127\.0\.0\.2 \(node-127\.0\.0\.2\)\s+UP/);
    assert.ok(!screen.stdout.includes('\u001b['), 'no colour when stdout is not a terminal');
  });

  it('follows instances, nodes and pushes with `watch`', async () => {
    const nodes = jsonLines<{ snapshot: boolean; nodes: NodeView[] }>(
      ok(await ctl(['watch', 'nodes', '--count', '1', '--json'])),
    );
    assert.equal(nodes[0]?.snapshot, true);
    assert.equal(nodes[0]?.nodes.length, 2);
    const backend = await startBackend('core-c');
    try {
      const settled = new Map<string, CliRun>();
      const follow = (name: string, args: string[]) =>
        void ctl(args).then((run) => settled.set(name, run));
      follow('instances', ['watch', 'instances', '--group', 'watched', '--count', '2', '--json']);
      follow('pushes', ['watch', 'pushes', '--count', '2', '--json']);
      // Register (a new weight each time: an UPDATED change and a new push) until both
      // watchers saw enough: a watcher may subscribe after the first registration.
      const id = `watched/127.0.0.1/${backend.port}`;
      let weight = 1;
      await waitFor(
        'both watchers to end after --count events',
        async () => {
          weight += 1;
          ok(
            await ctl([
              'instances',
              'register',
              '--group',
              'watched',
              '--host',
              '127.0.0.1',
              '--port',
              String(backend.port),
              '--lease',
              '1h',
              '--weight',
              String(weight),
            ]),
          );
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          return settled.size === 2;
        },
        { timeoutMs: 50_000, intervalMs: 10 },
      );
      const events = jsonLines<{ snapshot?: InstanceView[]; change?: string; id?: string }>(
        ok(settled.get('instances')!),
      );
      assert.ok(events[0]?.snapshot, 'a snapshot first');
      assert.ok(
        ['REGISTERED', 'UPDATED'].includes(events[1]?.change ?? ''),
        JSON.stringify(events[1]),
      );
      assert.equal(events[1]?.id, id);
      const pushed = jsonLines<PushResultView>(ok(settled.get('pushes')!));
      assert.equal(pushed.length, 2);
      assert.ok(pushed.every((result) => ['127.0.0.2', '127.0.0.3'].includes(result.nodeIp)));
    } finally {
      await backend.close();
    }
  });
});
