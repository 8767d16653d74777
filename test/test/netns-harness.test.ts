import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { createTestNetwork, TEST_NETWORK, waitFor } from '@gateway/testkit';

const LOCK_DIR = '/run/gateway-test-netns';
const namespaces = () =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0]);
const linkExists = (name: string) => spawnSync('ip', ['link', 'show', name]).status === 0;
const inRange = (address: string) =>
  address.startsWith(`${TEST_NETWORK.firstOctets}.`) && Number(address.split('.')[3]) < 256;

describe('test harness: network namespaces (shared/src/testing/netns.ts)', () => {
  it('two runs at once get separate slots and addresses from the one test range; teardown removes everything', async () => {
    const first = createTestNetwork();
    const second = createTestNetwork();
    try {
      assert.notEqual(first.slot, second.slot);
      const a = first.addNamespace('one', 2);
      const b = first.addNamespace('two', 3);
      const c = second.addNamespace('one', 2);
      for (const address of [first.rootIp, second.rootIp, a.ip, b.ip, c.ip])
        assert.ok(inRange(address), `${address} in ${TEST_NETWORK.cidr}`);
      assert.equal(new Set([first.rootIp, second.rootIp, a.ip, b.ip, c.ip]).size, 5);
      assert.ok(a.hasAddress(a.ip) && !a.hasAddress(b.ip));
      assert.deepEqual(
        [a.name, c.name].map((name) => namespaces().includes(name)),
        [true, true],
      );

      // A real listener inside one namespace, reached from its neighbour over the bridge.
      const server = a.spawn('listener', process.execPath, [
        '-e',
        `require('node:http').createServer((q, r) => r.end('from ${a.name}')).listen(8080, '${a.ip}')`,
      ]);
      try {
        const answer = await waitFor(
          `the listener in ${a.name}`,
          () => {
            try {
              return b.exec('curl', ['-sS', '--max-time', '1', `http://${a.ip}:8080/`]);
            } catch {
              return undefined;
            }
          },
          { timeoutMs: 10_000, intervalMs: 50 },
        );
        assert.equal(answer, `from ${a.name}`);
      } finally {
        await server.stop('SIGKILL');
      }
    } finally {
      first.teardown();
      second.teardown();
    }
    for (const network of [first, second]) {
      assert.ok(
        !namespaces().some((name) => name?.startsWith(`gwt${network.slot}-`)),
        'namespaces deleted',
      );
      assert.ok(!linkExists(network.bridge), 'bridge deleted');
      assert.ok(!existsSync(`${LOCK_DIR}/slot-${network.slot}`), 'slot released');
    }
    first.teardown(); // idempotent
  });

  it('leftovers of a crashed run (dead lock owner, namespace, bridge) are removed by the next run', () => {
    const probe = createTestNetwork(); // holds the first free slot, so the "crashed" one is another
    let crashedSlot = -1;
    try {
      for (let slot = TEST_NETWORK.slots - 1; slot >= 0; slot--) {
        if (!existsSync(`${LOCK_DIR}/slot-${slot}`)) {
          crashedSlot = slot;
          break;
        }
      }
      assert.ok(crashedSlot >= 0, 'a free slot to play the crashed run in');
      const deadPid = spawnSync('true').pid;
      writeFileSync(`${LOCK_DIR}/slot-${crashedSlot}`, String(deadPid));
      execFileSync('ip', ['netns', 'add', `gwt${crashedSlot}-stale`]);
      execFileSync('ip', ['link', 'add', `gwt${crashedSlot}br`, 'type', 'bridge']);
    } finally {
      probe.teardown();
    }
    const next = createTestNetwork();
    try {
      assert.ok(!namespaces().includes(`gwt${crashedSlot}-stale`), 'the stale namespace is gone');
      assert.ok(
        !linkExists(`gwt${crashedSlot}br`) || next.slot === crashedSlot,
        'the stale bridge is gone',
      );
      const lock = `${LOCK_DIR}/slot-${crashedSlot}`;
      assert.ok(
        !existsSync(lock) || readFileSync(lock, 'utf8') === String(process.pid),
        'the stale lock is gone (or ours now)',
      );
    } finally {
      next.teardown();
    }
  });
});
