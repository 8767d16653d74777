import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient, Status } from 'nice-grpc';
import { ConfigPushServiceDefinition, PushOutcome } from '@gateway/proto/configpush';
import { RedisKeys } from '@gateway/shared';
import { waitFor, type AlertReceiver } from '@gateway/testkit';
import { setNodeStatus } from './support/node-state.js';
import {
  bearer,
  CORE_TOKEN,
  getThrough,
  startBackend,
  startAlertingPushWorld,
  type Backend,
  type InProcessConfigPush,
  type PushWorld,
} from './support/push-fixture.js';

/**
 * The push path on real programs: redis-server, the registry
 * process, two nodes (nginx + sshd on 127.0.0.2 and 127.0.0.3) and config-push.
 */
describe('config-push: render and push to real nginx nodes over real sshd', () => {
  let world: PushWorld;
  let push: InProcessConfigPush;
  let webhook: AlertReceiver;
  const backends: Backend[] = [];
  beforeAll(async () => {
    ({ world, webhook, push } = await startAlertingPushWorld({
      CONFIG_PUSH_DRIFT_CHECK_INTERVAL: '2s',
    }));
    await waitFor(
      'config-push to take the lease',
      async () => (await push.client.getPushStatus({})).leader !== '',
      { timeoutMs: 15_000 },
    );
  });
  afterAll(async () => {
    await push?.close();
    for (const backend of backends) await backend.close();
    await webhook?.close();
    await world?.close();
  });

  const backend = async (name: string) => {
    const started = await startBackend(name);
    backends.push(started);
    return started;
  };
  const [a, b] = [0, 1];

  it('a registration reaches both nodes quickly and both files are byte-identical', async () => {
    const watch = new AbortController();
    const streamed: Array<{ nodeIp: string; outcome: PushOutcome; revision: number }> = [];
    const watching = (async () => {
      for await (const message of push.client.watchPushes({}, { signal: watch.signal })) {
        if (message.result) streamed.push(message.result);
      }
    })().catch(() => undefined);
    const first = await backend('instance-one');
    const started = performance.now();
    const revision = await world.register('default', first.port);
    const served = await waitFor(
      'both nodes to route to the new instance',
      async () => {
        const answers = await Promise.all(world.nodes.map((node) => getThrough(node)));
        return answers.every((answer) => answer.status === 200 && answer.body === 'instance-one')
          ? answers
          : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    const ms = Math.round(performance.now() - started);
    console.log(`[figure] registration → both nodes routing: ${ms} ms`);
    assert.equal(served.length, 2);
    const files = world.nodes.map((node) => readFileSync(node.livePath));
    assert.ok(files[0].equals(files[1]), 'both nodes run byte-identical files');
    assert.match(
      files[0].toString(),
      new RegExp(
        `upstream gateway_backend \\{\\n    server 127\\.0\\.0\\.1:${first.port} weight=1 max_fails=1 fail_timeout=10s;\\n\\}`,
      ),
    );

    const status = await waitFor('both nodes recorded at the revision', async () => {
      const current = await push.client.getPushStatus({});
      return current.nodes.every((node) => node.appliedRevision === revision) ? current : undefined;
    });
    assert.equal(status.desiredRevision, revision);
    await waitFor('WatchPushes to stream both applies', () =>
      world.nodes.every((node) =>
        streamed.some(
          (entry) =>
            entry.nodeIp === node.ip &&
            entry.revision === revision &&
            entry.outcome === PushOutcome.PUSH_OUTCOME_APPLIED,
        ),
      ),
    );
    watch.abort();
    await watching;
    const preview = await push.client.renderConfig({});
    assert.equal(
      preview.content,
      files[0].toString(),
      'RenderConfig previews exactly what the nodes run',
    );
    assert.equal(preview.contentHash, status.desiredContentHash);
    for (const node of status.nodes) assert.equal(node.appliedContentHash, preview.contentHash);

    // The same registration again changes nothing: no revision, no reload.
    const reloads = world.nodes.map((node) => node.reloadCount());
    assert.equal(await world.register('default', first.port), revision);
    const again = await push.client.pushNow({ force: false, nodeIp: '' });
    assert.deepEqual(
      again.results.map((result) => result.outcome),
      [PushOutcome.PUSH_OUTCOME_UNCHANGED, PushOutcome.PUSH_OUTCOME_UNCHANGED],
    );
    assert.deepEqual(
      world.nodes.map((node) => node.reloadCount()),
      reloads,
      'an identical render is never reloaded again',
    );
  });

  it('a DOWN node is skipped and not contacted; it converges once UP again, with no new registration', async () => {
    const down = world.nodes[b];
    const up = world.nodes[a];
    await down.nginx.stop();
    await setNodeStatus(world.redis.client, down.ip, 'DOWN', 'nginx stopped');
    const connectionsBefore = down.sshd.connectionCount();

    const second = await backend('instance-two');
    const started = performance.now();
    const revision = await world.register('default', second.port);
    await waitFor(
      'the UP node to apply the new revision',
      async () => {
        const status = await push.client.getPushStatus({});
        return status.nodes.find((node) => node.nodeIp === up.ip)?.appliedRevision === revision;
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    console.log(
      `[figure] registration → UP node applied while the other is DOWN: ${Math.round(performance.now() - started)} ms`,
    );
    const bodies = new Set<string>();
    for (let i = 0; i < 6; i++) bodies.add((await getThrough(up)).body);
    assert.deepEqual(
      [...bodies].sort(),
      ['instance-one', 'instance-two'],
      `the UP node balances over both instances: ${readFileSync(up.livePath, 'utf8')} ${JSON.stringify(up.nginx.accessLog().slice(-6))}`,
    );

    const status = await push.client.getPushStatus({});
    const skipped = status.nodes.find((node) => node.nodeIp === down.ip)!;
    assert.equal(skipped.lastResult?.outcome, PushOutcome.PUSH_OUTCOME_SKIPPED_DOWN);
    assert.equal(skipped.lastResult?.revision, revision);
    assert.ok(skipped.appliedRevision < revision);
    assert.equal(
      down.sshd.connectionCount(),
      connectionsBefore,
      'the DOWN node was never contacted',
    );

    const nowPush = await push.client.pushNow({ force: false, nodeIp: '' });
    assert.equal(
      nowPush.results.find((result) => result.nodeIp === down.ip)?.outcome,
      PushOutcome.PUSH_OUTCOME_SKIPPED_DOWN,
    );

    // Back UP: it converges to the latest revision without any new registration.
    const revisionBefore = Number(await world.redis.client.get(RedisKeys.instancesRevision));
    await down.nginx.start();
    await setNodeStatus(world.redis.client, down.ip, 'UP', 'nginx answers again');
    await waitFor(
      'the node back UP to run the latest revision',
      async () => {
        const current = await push.client.getPushStatus({});
        return current.nodes.find((node) => node.nodeIp === down.ip)?.appliedRevision === revision;
      },
      { timeoutMs: 10_000 },
    );
    assert.equal(
      Number(await world.redis.client.get(RedisKeys.instancesRevision)),
      revisionBefore,
      'no registration happened',
    );
    assert.ok(readFileSync(down.livePath).equals(readFileSync(up.livePath)));
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) served.add((await getThrough(down)).body);
    assert.deepEqual([...served].sort(), ['instance-one', 'instance-two']);
  });

  it('a config that fails nginx -t on a node is not reloaded, the old one still serves, the failure is recorded and alerted, and it is retried', async () => {
    const broken = world.nodes[a];
    const healthy = world.nodes[b];
    // A node-side file that clashes with the upstream the next render adds.
    const clash = join(broken.extraDir, 'local.conf');
    writeFileSync(clash, 'upstream gateway_payments {\n    server 127.0.0.1:9;\n}\n');
    const before = readFileSync(broken.livePath);
    const reloads = broken.reloadCount();

    const payments = await backend('payments-one');
    const revision = await world.register('payments', payments.port);
    await waitFor(
      'the healthy node to apply it',
      async () => {
        const status = await push.client.getPushStatus({});
        return (
          status.nodes.find((node) => node.nodeIp === healthy.ip)?.appliedRevision === revision
        );
      },
      { timeoutMs: 10_000 },
    );
    const failed = await waitFor(
      'the broken node to record the failure',
      async () => {
        const status = await push.client.getPushStatus({});
        const node = status.nodes.find((entry) => entry.nodeIp === broken.ip)!;
        return node.lastResult?.outcome === PushOutcome.PUSH_OUTCOME_FAILED &&
          node.lastResult.revision === revision
          ? node
          : undefined;
      },
      { timeoutMs: 10_000 },
    );
    assert.match(
      failed.lastResult!.error,
      /nginx -t failed.*duplicate upstream "gateway_payments"/,
    );
    assert.ok(failed.appliedRevision < revision);
    assert.ok(readFileSync(broken.livePath).equals(before), 'the previous file is back in place');
    assert.equal(broken.reloadCount(), reloads, 'nothing was reloaded');
    assert.equal(
      (await getThrough(broken, { 'x-gateway-group': 'payments' })).body.startsWith('instance-'),
      true,
      'the old config still serves',
    );
    assert.equal(
      (await getThrough(healthy, { 'x-gateway-group': 'payments' })).body,
      'payments-one',
    );
    const alert = await waitFor('the alert', () =>
      webhook.jsonBodies().find((entry) => entry['kind'] === 'push_config_test_failed'),
    );
    assert.equal(alert['node'], broken.ip);
    assert.equal(alert['revision'], revision);

    // The operator removes the clash: the failed node is retried (backoff) and converges, no new registration.
    rmSync(clash);
    await waitFor(
      'the failed node to be retried and converge',
      async () => {
        const status = await push.client.getPushStatus({});
        return status.nodes.find((node) => node.nodeIp === broken.ip)?.appliedRevision === revision;
      },
      { timeoutMs: 15_000 },
    );
    assert.equal(
      (await getThrough(broken, { 'x-gateway-group': 'payments' })).body,
      'payments-one',
    );
  });

  it('reconciles drift: a live file changed by hand on a node is put back without any registration', async () => {
    const node = world.nodes[a];
    const expected = readFileSync(world.nodes[b].livePath);
    writeFileSync(node.livePath, expected.toString().replace(/weight=1/g, 'weight=2'));
    await waitFor(
      'the drifted file to be restored',
      () => readFileSync(node.livePath).equals(expected),
      { timeoutMs: 15_000 },
    );
    assert.ok(node.journal().some((entry) => entry.outcome === 'applied'));
  });

  it('a sudden drop below the floor is refused and alerted, until an admin forces it', async () => {
    const before = world.nodes.map((node) => readFileSync(node.livePath));
    const kept = await push.client.getPushStatus({});
    const ids = (
      await world.registry.listInstances({ group: '', pageSize: 100, pageToken: '' })
    ).instances
      .map((instance) => instance.id)
      .sort();
    assert.equal(ids.length, 3);
    let revision = 0;
    for (const id of ids.slice(1))
      revision = (await world.registry.deregister({ instanceId: id })).revision;
    const alert = await waitFor(
      'the drop-guard alert',
      () =>
        webhook
          .jsonBodies()
          .find((entry) => entry['kind'] === 'drop_guard' && entry['state'] === 'firing'),
      { timeoutMs: 10_000 },
    );
    assert.match(String(alert['message']), /only 1 of the 3 servers .* PushNow with force=true/);
    const refused = await push.client.getPushStatus({});
    assert.equal(refused.desiredRevision, kept.desiredRevision, 'not accepted');
    assert.ok(refused.refusals.some((entry) => /only 1 of the 3/.test(entry)));
    world.nodes.forEach((node, index) =>
      assert.ok(readFileSync(node.livePath).equals(before[index]), `${node.ip} keeps its file`),
    );
    const preview = await push.client.renderConfig({});
    assert.ok(preview.refusals.some((entry) => /only 1 of the 3/.test(entry)));

    const forced = await push.client.pushNow({ force: true, nodeIp: '' });
    assert.equal(forced.revision, revision);
    assert.deepEqual(
      forced.results.map((result) => result.outcome),
      [PushOutcome.PUSH_OUTCOME_APPLIED, PushOutcome.PUSH_OUTCOME_APPLIED],
    );
    for (const node of world.nodes)
      assert.equal((readFileSync(node.livePath, 'utf8').match(/^\s+server /gm) ?? []).length, 1);
  });

  it('RPCs validate their input and are admin only', async () => {
    await assert.rejects(
      push.client.pushNow({ force: false, nodeIp: 'not-an-ip' }),
      (error: Error & { code?: number; details?: string }) =>
        error.code === Status.INVALID_ARGUMENT && /node_ip/.test(error.details ?? ''),
    );
    await assert.rejects(
      push.client.pushNow({ force: false, nodeIp: '10.255.255.1' }),
      (error: Error & { code?: number }) => error.code === Status.NOT_FOUND,
    );
    const channel = createChannel(`127.0.0.1:${push.running.port}`);
    try {
      const anonymous = createClient(ConfigPushServiceDefinition, channel);
      await assert.rejects(
        anonymous.getPushStatus({}),
        (error: Error & { code?: number }) => error.code === Status.UNAUTHENTICATED,
      );
      const core = createClient(ConfigPushServiceDefinition, channel, { '*': bearer(CORE_TOKEN) });
      await assert.rejects(
        core.renderConfig({}),
        (error: Error & { code?: number }) => error.code === Status.PERMISSION_DENIED,
      );
    } finally {
      channel.close();
    }
  });

  it('when every instance is gone the nodes keep a valid config, and an alert says why', async () => {
    const before = world.nodes.map((node) => readFileSync(node.livePath));
    const status = await push.client.getPushStatus({});
    const ids = (
      await world.registry.listInstances({ group: '', pageSize: 100, pageToken: '' })
    ).instances.map((instance) => instance.id);
    let revision = 0;
    for (const id of ids) revision = (await world.registry.deregister({ instanceId: id })).revision;
    const alert = await waitFor(
      'the all-instances-gone alert',
      () =>
        webhook
          .jsonBodies()
          .find(
            (entry) => entry['kind'] === 'all_instances_gone' && entry['revision'] === revision,
          ),
      { timeoutMs: 10_000 },
    );
    assert.match(String(alert['message']), /no instance to render/);
    const after = await push.client.getPushStatus({});
    assert.equal(
      after.desiredRevision,
      status.desiredRevision,
      'the empty render was never accepted',
    );
    assert.equal(after.registryRevision, revision);
    assert.ok(after.refusals.some((refusal) => /no instance/.test(refusal)));
    world.nodes.forEach((node, index) =>
      assert.ok(readFileSync(node.livePath).equals(before[index]), `${node.ip} keeps its file`),
    );
    for (const node of world.nodes)
      assert.equal(await node.nginx.testConfig(), undefined, 'nginx -t still passes');
    const preview = await push.client.renderConfig({});
    assert.ok(!/upstream/.test(preview.content), 'the preview has no (empty) upstream');
    // Not even a forced push sends an empty config: each node is answered REFUSED, and what
    // really happened on it is that it was checked against the config it keeps.
    const journals = world.nodes.map((node) => node.journal().length);
    const refused = await push.client.pushNow({ force: true, nodeIp: '' });
    assert.equal(refused.contentHash, '', 'nothing new was pushed');
    assert.deepEqual(
      refused.results.map((result) => result.nodeIp).sort(),
      world.nodes.map((node) => node.ip).sort(),
      'one answer per node',
    );
    for (const result of refused.results) {
      assert.equal(result.outcome, PushOutcome.PUSH_OUTCOME_REFUSED, result.nodeIp);
      assert.match(
        result.error,
        new RegExp(`no instance to render.*nodes keep revision ${status.desiredRevision}`),
      );
    }
    const checked = await push.client.getPushStatus({});
    world.nodes.forEach((node, index) => {
      const recorded = checked.nodes.find((entry) => entry.nodeIp === node.ip);
      assert.equal(recorded?.appliedRevision, status.desiredRevision, `${node.ip} applied`);
      assert.equal(recorded?.lastResult?.outcome, PushOutcome.PUSH_OUTCOME_UNCHANGED, node.ip);
      const lines = node.journal().slice(journals[index]);
      assert.ok(lines.length > 0, `${node.ip} was contacted by the forced push`);
      assert.ok(
        lines.every(
          (line) => line.revision === status.desiredRevision && line.outcome === 'unchanged',
        ),
        `${node.ip} only confirmed the config it keeps: ${JSON.stringify(lines)}`,
      );
      assert.ok(readFileSync(node.livePath).equals(before[index]), `${node.ip} keeps its file`);
    });
    assert.equal(
      (await getThrough(world.nodes[0])).status,
      200,
      'the nodes still route with the last config',
    );
  });
});
