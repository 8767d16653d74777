import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RedisKeys } from '@gateway/shared';
import { startServiceProcess, tempDir, waitFor, type ServiceProcess } from '@gateway/testkit';
import { APPLY_SCRIPT } from '@gateway/testkit';
import {
  CONFIG_PUSH_ENTRY,
  configPushEnv,
  startPushWorld,
  type PushWorld,
} from './support/push-fixture.js';

const LEASE_TTL_MS = 3_000;
const LATE_BY_S = 10;

/**
 * The case the fences exist for: a leader's apply command reaches the nodes late (here the
 * node runs it LATE_BY_S seconds after it arrives, and the leader is frozen meanwhile), after
 * another replica took over and applied a newer revision. The node must refuse the late,
 * older revision: it never goes back, and the stale leader records nothing.
 */
describe('config-push: a stalled leader whose apply lands late', () => {
  let world: PushWorld;
  let slow: ServiceProcess;
  let fast: ServiceProcess | undefined;
  let startedLog = '';
  beforeAll(async () => {
    world = await startPushWorld();
    const dir = tempDir('late-apply');
    chmodSync(dir, 0o755);
    const late = join(dir, 'late-apply');
    startedLog = join(dir, 'started');
    // Notes each apply it was given (so the test knows the apply itself is under way), then runs it
    // late; a `status` query (read-only: what the node runs) goes through at once.
    writeFileSync(
      late,
      `#!/bin/sh\nif [ "$1" = apply ]; then echo "$*" >> ${startedLog}; sleep ${LATE_BY_S}; fi\nexec ${APPLY_SCRIPT} "$@"\n`,
      { mode: 0o755 },
    );
    const env = (name: string, extra: Record<string, string> = {}) =>
      configPushEnv(world.redis.url, world.privateKeyPath, {
        CONFIG_PUSH_REPLICA_ID: name,
        CONFIG_PUSH_LEASE_TTL: `${LEASE_TTL_MS}ms`,
        CONFIG_PUSH_NODE_TIMEOUT: '30s',
        LOG_LEVEL: 'info',
        ...extra,
      });
    slow = await startServiceProcess({
      name: 'replica-slow',
      entry: CONFIG_PUSH_ENTRY,
      env: env('replica-slow', { CONFIG_PUSH_REMOTE_COMMAND: late }),
    });
    await waitFor(
      'the slow replica to hold the lease',
      async () => (await world.redis.client.get(RedisKeys.pushLeader))?.startsWith('replica-slow|'),
      { timeoutMs: 10_000 },
    );
    fast = await startServiceProcess({
      name: 'replica-fast',
      entry: CONFIG_PUSH_ENTRY,
      env: env('replica-fast'),
    });
  });
  afterAll(async () => {
    try {
      process.kill(slow.process.pid, 'SIGCONT');
    } catch {
      // gone
    }
    await slow?.stop();
    await fast?.stop();
    await world?.close();
  });

  it('the node refuses the late, older revision and never goes back', async () => {
    const older = await world.register('default', 21_001);
    const lateApplies = () =>
      (existsSync(startedLog) ? readFileSync(startedLog, 'utf8') : '')
        .split('\n')
        .filter((line) => line.startsWith(`apply `) && line.split(' ')[2] === String(older));
    // The slow leader's applies of `older` have reached both nodes (each runs LATE_BY_S s later): freeze it.
    await waitFor(
      'the slow leader to start its apply on both nodes',
      () => lateApplies().length >= world.nodes.length,
      { timeoutMs: 10_000 },
    );
    process.kill(slow.process.pid, 'SIGSTOP');
    const frozenAt = performance.now();
    await waitFor(
      'the fast replica to take over',
      async () => (await world.redis.client.get(RedisKeys.pushLeader))?.startsWith('replica-fast|'),
      { timeoutMs: LEASE_TTL_MS * 3 },
    );
    const newer = await world.register('default', 21_002);
    await waitFor(
      'both nodes to apply the newer revision',
      () => world.nodes.every((node) => node.appliedRevisions().includes(newer)),
      { timeoutMs: 10_000 },
    );
    const newerAt = performance.now() - frozenAt;
    const newerFiles = world.nodes.map((node) => readFileSync(node.livePath));

    // The late apply of the older revision now reaches the nodes: refused.
    await waitFor(
      'the late apply to be refused on both nodes',
      () =>
        world.nodes.every((node) =>
          node.journal().some((entry) => entry.revision === older && entry.outcome === 'stale'),
        ),
      { timeoutMs: (LATE_BY_S + 10) * 1_000 },
    );
    console.log(
      `[figure] newer revision applied ${Math.round(newerAt)} ms after the leader froze; the late older apply was refused ${Math.round(performance.now() - frozenAt)} ms after`,
    );
    for (const [index, node] of world.nodes.entries()) {
      assert.ok(
        readFileSync(node.livePath).equals(newerFiles[index]),
        `${node.ip} still runs the newer file`,
      );
      const applied = node.appliedRevisions();
      for (let i = 1; i < applied.length; i++)
        assert.ok(applied[i] >= applied[i - 1], `${node.ip}: ${applied.join(',')}`);
      assert.equal(applied.at(-1), newer);
      assert.equal(node.journal().at(-1)?.outcome, 'stale');
    }

    // The stale leader wakes up: it learns it lost the lease, and records nothing over the newer state.
    process.kill(slow.process.pid, 'SIGCONT');
    await waitFor(
      'the stale leader to notice',
      () => /lost the push lease/.test(slow.process.output()),
      { timeoutMs: LEASE_TTL_MS * 3 },
    );
    const applied = await world.redis.client.hgetall(RedisKeys.pushApplied);
    for (const node of world.nodes)
      assert.equal((JSON.parse(applied[node.ip]) as { revision: number }).revision, newer);
  });
});
