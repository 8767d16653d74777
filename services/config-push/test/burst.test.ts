import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RedisKeys } from '@gateway/shared';
import { waitFor } from '@gateway/testkit';
import {
  configPushEnv,
  startInProcessConfigPush,
  startPushWorld,
  type InProcessConfigPush,
  type PushWorld,
} from './support/push-fixture.js';

const REGISTRATIONS = 1_000;
const CONCURRENCY = 32;
const WAIT_MIN_MS = 250;
const WAIT_MAX_MS = 1_000;

/**
 * A storm of registrations (as fast as the registry takes them) is coalesced by the
 * quiescence window: each node reloads at most once per WAIT_MAX while the storm lasts,
 * plus the final one, never once per registration (consul-template#1671).
 */
describe('config-push: a registration storm causes a handful of reloads', () => {
  let world: PushWorld;
  let push: InProcessConfigPush;
  beforeAll(async () => {
    // 1,000 Registers of one token as fast as the registry takes them: this checks coalescing,
    // so the per-token rate limit (registry/test/token-limits.test.ts) is lifted.
    world = await startPushWorld({
      registryEnv: { GATEWAY_TOKEN_RATE: '1000000', GATEWAY_TOKEN_BURST: '1000000' },
    });
    push = await startInProcessConfigPush(
      configPushEnv(world.redis.url, world.privateKeyPath, {
        CONFIG_PUSH_WAIT_MIN: `${WAIT_MIN_MS}ms`,
        CONFIG_PUSH_WAIT_MAX: `${WAIT_MAX_MS}ms`,
      }),
    );
    await waitFor(
      'config-push to take the lease',
      async () => (await push.client.getPushStatus({})).leader !== '',
      { timeoutMs: 15_000 },
    );
  });
  afterAll(async () => {
    await push?.close();
    await world?.close();
  });

  it(`${REGISTRATIONS} registrations: reloads per node ≤ storm duration / WAIT_MAX + 2`, async () => {
    const reloadsBefore = world.nodes.map((node) => node.reloadCount());
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REGISTRATIONS) {
          const i = next++;
          await world.register('default', 30_000 + i);
        }
      }),
    );
    const stormMs = performance.now() - started;
    const finalRevision = Number(await world.redis.client.get(RedisKeys.instancesRevision));
    await waitFor(
      'both nodes at the final revision',
      () => world.nodes.every((node) => node.appliedRevisions().at(-1) === finalRevision),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const convergedMs = performance.now() - started;
    const bound = Math.ceil(stormMs / WAIT_MAX_MS) + 2;
    for (const [index, node] of world.nodes.entries()) {
      const reloads = node.reloadCount() - reloadsBefore[index];
      console.log(
        `[figure] ${REGISTRATIONS} registrations in ${Math.round(stormMs)} ms (${Math.round(REGISTRATIONS / (stormMs / 1000))}/s): ${node.ip} reloaded ${reloads} times, at the final revision ${Math.round(convergedMs)} ms after the first (bound ${bound})`,
      );
      assert.ok(
        reloads >= 1 && reloads <= bound,
        `${node.ip}: ${reloads} reloads (bound ${bound})`,
      );
      const applied = node.appliedRevisions();
      for (let i = 1; i < applied.length; i++) assert.ok(applied[i] >= applied[i - 1]);
    }
  });
});
