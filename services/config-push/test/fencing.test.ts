import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createLogger, RedisKeys } from '@gateway/shared';
import {
  generateSshKey,
  startRedisServer,
  waitFor,
  type RedisServerHandle,
} from '@gateway/testkit';
import { PushLease } from '../src/leader/push-lease.js';
import { applyOnNode } from '../src/push/apply-on-node.js';
import { PushError } from '../src/push/push-error.js';
import { SshPool } from '../src/push/ssh-pool.js';
import {
  readDesiredConfig,
  writeDesiredConfig,
  type DesiredConfig,
} from '../src/state/desired-config.js';
import {
  readAppliedRecords,
  recordAttempt,
  type AttemptRecord,
} from '../src/state/node-records.js';
import { APPLY_SCRIPT, startGatewayNode, type GatewayNode } from '@gateway/testkit';

const logger = createLogger('fencing-test', process.env['TEST_LOG_LEVEL'] ?? 'silent');

/** The store epoch of the lost dataset, and the one created after the loss. */
const EPOCH = '1764000000000-0123456789abcdef';
const NEXT_EPOCH = '1764000600000-fedcba9876543210';

function desired(
  revision: number,
  fence: number,
  content = `# revision ${revision}\nupstream gateway_backend {\n    server 127.0.0.1:${1000 + revision} weight=1 max_fails=1 fail_timeout=10s;\n}\nmap $http_x_gateway_group $gateway_upstream {\n    default gateway_backend;\n}\n`,
  epoch = EPOCH,
): DesiredConfig {
  return {
    epoch,
    revision,
    hash: createHash('sha256').update(content).digest('hex'),
    content: [Buffer.from(content)],
    servers: 1,
    groups: ['default'],
    time: Date.now(),
    fence,
  };
}

function attempt(
  ip: string,
  revision: number,
  fence: number,
  replica: string,
  epoch = EPOCH,
): AttemptRecord {
  return {
    ip,
    epoch,
    outcome: 'APPLIED',
    revision,
    hash: 'a'.repeat(64),
    error: '',
    time: Date.now(),
    replica,
    fence,
  };
}

/** The two fences that keep a late, stalled pusher from moving anything back: in Redis and on the node. */
describe('config-push fencing: lease terms in Redis, revisions on the node', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('a replica whose lease ran out can no longer write, and applied state never moves back', async () => {
    const one = PushLease({ redis: redis.client, replicaId: 'one', ttlMs: 3_000, logger });
    const first = await waitFor('replica one to hold the lease', () => one.current());
    const two = PushLease({ redis: redis.client, replicaId: 'two', ttlMs: 3_000, logger });
    try {
      await waitFor(
        'replica two to have tried',
        async () => (await redis.client.get(RedisKeys.pushFence)) === String(first.fence),
      );
      assert.equal(two.current(), undefined, 'one holder at a time');

      assert.equal(
        await writeDesiredConfig(redis.client, first.value, desired(5, first.fence)),
        'written',
      );
      assert.equal(
        await recordAttempt(redis.client, first.value, attempt('127.0.0.9', 5, first.fence, 'one')),
        'recorded',
      );

      // Replica one stops renewing and its lease is gone (stop() gives it up; a stall lets it run out): two takes over with a higher fence.
      await one.stop();
      const second = await waitFor('replica two to take over', () => two.current(), {
        timeoutMs: 10_000,
      });
      assert.ok(second.fence > first.fence);

      // One wakes up late and tries to write what it was doing: refused, nothing changed.
      assert.equal(
        await writeDesiredConfig(redis.client, first.value, desired(4, first.fence)),
        'fenced',
      );
      assert.equal(
        await recordAttempt(redis.client, first.value, attempt('127.0.0.9', 4, first.fence, 'one')),
        'fenced',
      );
      assert.equal((await readDesiredConfig(redis.client))?.revision, 5);

      // Even the holder cannot record a node going back, nor an older desired config.
      assert.equal(
        await recordAttempt(
          redis.client,
          second.value,
          attempt('127.0.0.9', 9, second.fence, 'two'),
        ),
        'recorded',
      );
      assert.equal(
        await recordAttempt(
          redis.client,
          second.value,
          attempt('127.0.0.9', 7, second.fence, 'two'),
        ),
        'older',
      );
      assert.equal((await readAppliedRecords(redis.client)).get('127.0.0.9')?.revision, 9);
      assert.equal(
        await writeDesiredConfig(redis.client, second.value, desired(3, second.fence)),
        'older',
      );

      // A new store epoch (Redis lost its data, revisions start again) moves both forward...
      const content = 'upstream x {}\n';
      assert.equal(
        await writeDesiredConfig(
          redis.client,
          second.value,
          desired(1, second.fence, content, NEXT_EPOCH),
        ),
        'written',
      );
      assert.equal(
        await recordAttempt(
          redis.client,
          second.value,
          attempt('127.0.0.9', 1, second.fence, 'two', NEXT_EPOCH),
        ),
        'recorded',
      );
      const moved = (await readAppliedRecords(redis.client)).get('127.0.0.9');
      assert.deepEqual([moved?.epoch, moved?.revision], [NEXT_EPOCH, 1]);
      // ...and nothing of the old epoch comes back, whatever its revision.
      assert.equal(
        await writeDesiredConfig(redis.client, second.value, desired(900, second.fence)),
        'older',
      );
      assert.equal(
        await recordAttempt(
          redis.client,
          second.value,
          attempt('127.0.0.9', 900, second.fence, 'two'),
        ),
        'older',
      );
      assert.equal((await readDesiredConfig(redis.client))?.epoch, NEXT_EPOCH);

      await two.stop();
      assert.equal(
        await redis.client.get(RedisKeys.pushLeader),
        null,
        'the holder gives the lease up when it stops',
      );
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  describe('on a real node', () => {
    let node: GatewayNode;
    let pool: SshPool;
    beforeAll(async () => {
      const key = generateSshKey();
      node = await startGatewayNode('127.0.0.5', key.publicKey);
      pool = SshPool({
        privateKeyFile: key.privateKeyPath,
        passphrase: undefined,
        knownHostsFile: '/nonexistent',
        connectTimeoutMs: 5_000,
        commandTimeoutMs: 20_000,
        idleTimeoutMs: 10_000,
        logger,
      });
    });
    afterAll(async () => {
      pool?.close();
      await node?.stop();
    });

    it('the apply script refuses a revision older than the one the node runs, and an identical file is not reloaded', async () => {
      const apply = (config: DesiredConfig) =>
        applyOnNode({
          pool,
          node: node.spec(),
          remoteCommand: APPLY_SCRIPT,
          config,
          signal: AbortSignal.timeout(20_000),
        });
      assert.equal((await apply(desired(10, 1))).outcome, 'APPLIED');
      const live = readFileSync(node.livePath);
      const reloads = node.reloadCount();

      await assert.rejects(
        apply(desired(7, 1)),
        (error: unknown) =>
          error instanceof PushError &&
          error.kind === 'stale' &&
          /already applied revision 10/.test(error.message),
      );
      assert.ok(readFileSync(node.livePath).equals(live), 'the live file is untouched');

      const same = desired(12, 2, live.toString());
      assert.deepEqual(await apply(same), { outcome: 'UNCHANGED', revision: 12, hash: same.hash });
      assert.equal(node.reloadCount(), reloads, 'no reload for identical content');
      assert.deepEqual(node.appliedRevisions(), [10, 12]);
      // The older revision is still refused after the touch.
      await assert.rejects(
        apply(desired(11, 1)),
        (error: unknown) => error instanceof PushError && error.kind === 'stale',
      );
    });

    it('an upload that does not match its hash is refused before anything is touched', async () => {
      const live = readFileSync(node.livePath);
      const config = { ...desired(20, 2), hash: 'b'.repeat(64) };
      await assert.rejects(
        applyOnNode({
          pool,
          node: node.spec(),
          remoteCommand: APPLY_SCRIPT,
          config,
          signal: AbortSignal.timeout(20_000),
        }),
        (error: unknown) => error instanceof PushError && /upload corrupt/.test(error.message),
      );
      assert.ok(readFileSync(node.livePath).equals(live));
    });

    it('the node installs only its own live file, whatever path it is asked to write', async () => {
      await assert.rejects(
        applyOnNode({
          pool,
          node: { ...node.spec(), configPath: '/etc/ld.so.conf.d/evil.conf' },
          remoteCommand: APPLY_SCRIPT,
          config: desired(30, 2),
          signal: AbortSignal.timeout(20_000),
        }),
        (error: unknown) =>
          error instanceof PushError && /this node installs only/.test(error.message),
      );
    });

    it('the apply script accepts a newer store epoch whatever its revision and refuses the older epoch afterwards', async () => {
      const apply = (config: DesiredConfig) =>
        applyOnNode({
          pool,
          node: node.spec(),
          remoteCommand: APPLY_SCRIPT,
          config,
          signal: AbortSignal.timeout(20_000),
        });
      const before = (await apply(desired(40, 3))).revision;
      assert.equal(before, 40);
      const fresh = desired(2, 4, undefined, NEXT_EPOCH);
      assert.equal((await apply(fresh)).outcome, 'APPLIED', 'revision 2 of a newer epoch applies');
      const live = readFileSync(node.livePath);
      // A stalled pusher of the lost dataset, however high its revision, never moves the node back.
      await assert.rejects(
        apply(desired(500, 3)),
        (error: unknown) =>
          error instanceof PushError &&
          error.kind === 'stale' &&
          new RegExp(`epoch ${NEXT_EPOCH}`).test(error.message),
      );
      assert.ok(readFileSync(node.livePath).equals(live), 'the live file is untouched');
      // Within the new epoch the revision fence works as before.
      await assert.rejects(
        apply(desired(1, 4, undefined, NEXT_EPOCH)),
        (error: unknown) => error instanceof PushError && error.kind === 'stale',
      );
      const last = node.journal().at(-1)!;
      assert.equal(last.outcome, 'stale');
      const applied = node
        .journal()
        .filter((entry) => entry.outcome === 'applied')
        .at(-1)!;
      assert.deepEqual([applied.revision, applied.epoch, applied.servers], [2, NEXT_EPOCH, 1]);
    });
  });
});
