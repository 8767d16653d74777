import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PushOutcome, type NodePushStatus } from '@gateway/proto/configpush';
import { RedisChannels, RedisKeys } from '@gateway/shared';
import {
  startSshd,
  tempDir,
  waitFor,
  startAlertReceiver,
  type AlertReceiver,
} from '@gateway/testkit';
import { addNodeToInventory, setNodeStatus } from './support/node-state.js';
import {
  configPushEnv,
  getThrough,
  startBackend,
  startInProcessConfigPush,
  startPushWorld,
  type Backend,
  type InProcessConfigPush,
  type PushWorld,
} from './support/push-fixture.js';

const NODE_TIMEOUT_MS = 3_000;

/** A node that accepts TCP and never answers; host key and password-only refusals. */
describe('config-push: stuck nodes and refused SSH endpoints', () => {
  let world: PushWorld;
  let push: InProcessConfigPush;
  let webhook: AlertReceiver;
  let knownHostsFile: string;
  const logLines: string[] = [];
  const backends: Backend[] = [];
  beforeAll(async () => {
    world = await startPushWorld();
    webhook = await startAlertReceiver();
    knownHostsFile = join(tempDir('known-hosts'), 'known_hosts');
    push = await startInProcessConfigPush(
      configPushEnv(world.redis.url, world.privateKeyPath, {
        CONFIG_PUSH_ALERT_WEBHOOK_URL: webhook.url,
        CONFIG_PUSH_KNOWN_HOSTS_FILE: knownHostsFile,
        CONFIG_PUSH_NODE_TIMEOUT: `${NODE_TIMEOUT_MS}ms`,
        CONFIG_PUSH_SSH_CONNECT_TIMEOUT: '2s',
        CONFIG_PUSH_RETRY_MIN: '500ms',
        CONFIG_PUSH_RETRY_MAX: '1s',
      }),
      { logLines },
    );
  });
  afterAll(async () => {
    for (const node of world?.nodes ?? []) node.sshd.thaw();
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
  const nodeStatus = async (ip: string): Promise<NodePushStatus> =>
    (await push.client.getPushStatus({})).nodes.find((node) => node.nodeIp === ip)!;
  const appliedAt = (ip: string, revision: number, timeoutMs = 10_000) =>
    waitFor(
      `${ip} to run revision ${revision}`,
      async () => (await nodeStatus(ip)).appliedRevision === revision,
      { timeoutMs, intervalMs: 20 },
    );

  it('a node whose sshd accepts TCP and never answers does not delay the other; it fails after the timeout and is reconciled once it answers', async () => {
    const [healthy, stuck] = world.nodes as [PushWorld['nodes'][0], PushWorld['nodes'][0]];
    const first = await backend('first');
    let started = performance.now();
    const baseline = await world.register('default', first.port);
    await appliedAt(healthy.ip, baseline);
    const normalMs = Math.round(performance.now() - started);
    await appliedAt(stuck.ip, baseline);

    stuck.sshd.freeze();
    const linesAtFreeze = logLines.length;
    const second = await backend('second');
    started = performance.now();
    const revision = await world.register('default', second.port);
    await appliedAt(healthy.ip, revision);
    const withStuckMs = Math.round(performance.now() - started);
    console.log(
      `[figure] registration → healthy node applied: ${normalMs} ms normally, ${withStuckMs} ms with the other node stuck (node timeout ${NODE_TIMEOUT_MS} ms)`,
    );
    assert.ok(
      withStuckMs < NODE_TIMEOUT_MS,
      `the healthy node did not wait for the stuck one (${withStuckMs} ms)`,
    );

    // While the stuck push is still hanging, another change reaches the healthy node too.
    const third = await backend('third');
    const later = await world.register('default', third.port);
    await appliedAt(healthy.ip, later, NODE_TIMEOUT_MS);

    const failed = await waitFor(
      'the stuck node to be reported failed',
      async () => {
        const status = await nodeStatus(stuck.ip);
        return status.lastResult?.outcome === PushOutcome.PUSH_OUTCOME_FAILED ? status : undefined;
      },
      { timeoutMs: NODE_TIMEOUT_MS * 3 },
    );
    const failedAfter = Math.round(performance.now() - started);
    console.log(
      `[figure] stuck node reported failed ${failedAfter} ms after the registration: ${failed.lastResult!.error}`,
    );
    assert.match(failed.lastResult!.error, /no result within 3000 ms|no handshake|timed out/i);
    assert.equal(failed.appliedRevision, baseline);

    // Retries against the frozen node hang too (no handshake): while they do, the loop must not
    // spin (a cycle per trigger, not one per event-loop turn).
    const failuresOf = () =>
      logLines
        .slice(linesAtFreeze)
        .filter(
          (line) => line.includes('"push to node failed"') && line.includes(`"node":"${stuck.ip}"`),
        ).length;
    await waitFor('two retries of the frozen node to fail as well', () => failuresOf() >= 3, {
      timeoutMs: 20_000,
    });
    const cycles = logLines
      .slice(linesAtFreeze)
      .filter((line) => line.includes('"push cycle done"')).length;
    console.log(
      `[figure] push cycles while the node hung and was retried twice (${Math.round(performance.now() - started)} ms): ${cycles}`,
    );
    assert.ok(cycles < 60, `no busy loop while a node hangs (${cycles} cycles)`);

    stuck.sshd.thaw();
    const thawed = performance.now();
    await appliedAt(stuck.ip, later, 20_000);
    console.log(
      `[figure] stuck node converged ${Math.round(performance.now() - thawed)} ms after it answered again`,
    );
    assert.ok(readFileSync(stuck.livePath).equals(readFileSync(healthy.livePath)));
    assert.equal((await getThrough(stuck)).status, 200);
  });

  it('a node whose nginx is not running (still marked UP) keeps its previous file, the failure is alerted, and it converges once nginx is back', async () => {
    const [healthy, stopped] = world.nodes as [PushWorld['nodes'][0], PushWorld['nodes'][0]];
    await stopped.nginx.stop();
    const before = readFileSync(stopped.livePath);
    const next = await backend('while-stopped');
    const revision = await world.register('default', next.port);
    await appliedAt(healthy.ip, revision);
    const failed = await waitFor('the failure', async () => {
      const status = await nodeStatus(stopped.ip);
      return status.lastResult?.revision === revision &&
        status.lastResult.outcome === PushOutcome.PUSH_OUTCOME_FAILED
        ? status
        : undefined;
    });
    assert.match(failed.lastResult!.error, /nginx is not running .*previous file restored/);
    assert.ok(readFileSync(stopped.livePath).equals(before), 'the previous file is back');
    assert.deepEqual(stopped.journal().at(-1)?.outcome, 'not-running');
    await waitFor('the push_reload_failed alert', () =>
      webhook
        .jsonBodies()
        .find((alert) => alert['kind'] === 'push_reload_failed' && alert['node'] === stopped.ip),
    );
    await stopped.nginx.start();
    await appliedAt(stopped.ip, revision, 15_000);
    assert.equal((await getThrough(stopped)).status, 200);
  });

  it('a changed host key refuses the push with a clear error (and an alert) until the new key is pinned', async () => {
    const [healthy, rekeyed] = world.nodes as [PushWorld['nodes'][0], PushWorld['nodes'][0]];
    const oldKey = rekeyed.sshd.hostKey;
    const newKey = await rekeyed.sshd.rotateHostKey();
    assert.notEqual(newKey, oldKey);
    const connections = rekeyed.sshd.connectionCount();
    const next = await backend('after-rekey');
    const revision = await world.register('default', next.port);
    await appliedAt(healthy.ip, revision);
    const refused = await waitFor('the refusal', async () => {
      const status = await nodeStatus(rekeyed.ip);
      return status.lastResult?.revision === revision &&
        status.lastResult.outcome === PushOutcome.PUSH_OUTCOME_FAILED
        ? status
        : undefined;
    });
    assert.match(
      refused.lastResult!.error,
      /host key mismatch: the server presented ssh-ed25519 SHA256:\S+, but the pinned key of the node expects ssh-ed25519 SHA256:\S+ .*push refused/,
    );
    assert.ok(
      rekeyed.sshd.connectionCount() > connections,
      'it did connect: the refusal came from the key check',
    );
    assert.notEqual((await nodeStatus(rekeyed.ip)).appliedRevision, revision);
    await waitFor('the host key alert', () =>
      webhook
        .jsonBodies()
        .find((alert) => alert['kind'] === 'push_host_key_failed' && alert['node'] === rekeyed.ip),
    );

    // The operator pins the new key (UpdateNode): the node converges with no new registration.
    await world.redis.client.hset(
      RedisKeys.nodes,
      rekeyed.ip,
      JSON.stringify(rekeyed.spec({ hostKey: newKey })),
    );
    await world.redis.client.publish(
      RedisChannels.nodeChanges,
      JSON.stringify({ type: 'UPDATED', ip: rekeyed.ip, revision: 0 }),
    );
    await appliedAt(rekeyed.ip, revision);
  });

  it('with no pinned key, the known_hosts file decides: an unknown host is refused, a listed one (hashed) is trusted', async () => {
    const [healthy, node] = world.nodes as [PushWorld['nodes'][0], PushWorld['nodes'][0]];
    writeFileSync(knownHostsFile, `[${healthy.ip}]:${healthy.sshd.port} ${healthy.sshd.hostKey}\n`);
    await world.redis.client.hset(
      RedisKeys.nodes,
      node.ip,
      JSON.stringify(node.spec({ hostKey: undefined })),
    );
    const next = await backend('known-hosts');
    const revision = await world.register('default', next.port);
    await appliedAt(healthy.ip, revision);
    const refused = await waitFor('the unknown-host refusal', async () => {
      const status = await nodeStatus(node.ip);
      return status.lastResult?.revision === revision &&
        status.lastResult.outcome === PushOutcome.PUSH_OUTCOME_FAILED
        ? status
        : undefined;
    });
    assert.match(
      refused.lastResult!.error,
      new RegExp(
        `unknown host key: no pinned ssh.host_key and no entry for \\[${node.ip.replace(/\./g, '\\.')}\\]:${node.sshd.port} in .*push refused`,
      ),
    );

    // An entry written as ssh-keyscan would, then hashed by ssh-keygen -H.
    writeFileSync(knownHostsFile, `[${node.ip}]:${node.sshd.port} ${node.sshd.hostKey}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', knownHostsFile], { stdio: 'ignore' });
    assert.match(readFileSync(knownHostsFile, 'utf8'), /^\|1\|/);
    await world.redis.client.publish(
      RedisChannels.nodeChanges,
      JSON.stringify({ type: 'UPDATED', ip: node.ip, revision: 0 }),
    );
    await appliedAt(node.ip, revision);
  });

  it('a key removed from known_hosts closes the kept connection made under it: the next push is refused, and trusted again once the key is back', async () => {
    // Follows the previous test: the node has no pin and its (hashed) known_hosts entry.
    const node = world.nodes[1];
    const warm = await backend('kept-connection');
    const warmRevision = await world.register('default', warm.port);
    await appliedAt(node.ip, warmRevision);
    const connections = node.sshd.connectionCount();
    const reuse = await backend('kept-connection-reused');
    const reuseRevision = await world.register('default', reuse.port);
    await appliedAt(node.ip, reuseRevision);
    assert.equal(node.sshd.connectionCount(), connections, 'the push reused the kept connection');

    writeFileSync(knownHostsFile, '# the node was decommissioned: its key is gone\n');
    const next = await backend('key-removed');
    const revision = await world.register('default', next.port);
    const refused = await waitFor('the refusal over the kept connection', async () => {
      const status = await nodeStatus(node.ip);
      return status.lastResult?.revision === revision &&
        status.lastResult.outcome === PushOutcome.PUSH_OUTCOME_FAILED
        ? status
        : undefined;
    });
    assert.match(
      refused.lastResult!.error,
      /unknown host key: no pinned ssh.host_key and no entry for .*push refused/,
    );
    assert.notEqual((await nodeStatus(node.ip)).appliedRevision, revision);
    assert.equal(
      node.sshd.connectionCount(),
      connections,
      'nothing was sent: no new connection either',
    );
    await waitFor('the host key alert for the removed key', () =>
      webhook
        .jsonBodies()
        .find(
          (alert) =>
            alert['kind'] === 'push_host_key_failed' &&
            alert['node'] === node.ip &&
            alert['state'] === 'firing' &&
            String(alert['message']).includes('no entry for'),
        ),
    );
    assert.ok(
      logLines.some((line) => line.includes('closing its kept ssh connection')),
      'the kept connection was closed',
    );

    writeFileSync(knownHostsFile, `[${node.ip}]:${node.sshd.port} ${node.sshd.hostKey}\n`);
    await world.redis.client.publish(
      RedisChannels.nodeChanges,
      JSON.stringify({ type: 'UPDATED', ip: node.ip, revision: 0 }),
    );
    await appliedAt(node.ip, revision);
    assert.ok(node.sshd.connectionCount() > connections, 'trusted again over a new connection');
  });

  it('a node whose sshd accepts only passwords is refused: no password is ever tried', async () => {
    const passwordOnly = await startSshd({ host: '127.0.0.4', passwordOnly: true });
    try {
      await addNodeToInventory(world.redis.client, {
        ip: '127.0.0.4',
        healthUrl: 'http://127.0.0.4/healthz',
        ssh: {
          host: '127.0.0.4',
          port: passwordOnly.port,
          user: passwordOnly.user,
          hostKey: passwordOnly.hostKey,
        },
        configPath: '/tmp/gateway-never-written.conf',
        label: 'password-only',
      });
      await setNodeStatus(world.redis.client, '127.0.0.4', 'UP');
      const result = await push.client.pushNow({ force: false, nodeIp: '127.0.0.4' });
      assert.equal(result.results.length, 1);
      assert.equal(result.results[0].outcome, PushOutcome.PUSH_OUTCOME_FAILED);
      assert.match(
        result.results[0].error,
        /key authentication for user "\w+" was refused .*password login is never used.*push refused/,
      );
      assert.doesNotMatch(passwordOnly.process!.output(), /Accepted|Failed password/);
    } finally {
      await world.redis.client.hdel(RedisKeys.nodes, '127.0.0.4');
      await passwordOnly.stop();
    }
  });
});
