import assert from 'node:assert/strict';
import { ServerError, Status } from 'nice-grpc';
import { describe, it } from 'vitest';
import { SnapshotGate, type SnapshotGateRefusal } from './snapshot-gate.js';

const limits = { concurrency: 2, queueLimit: 3, waitTimeoutMs: 60_000 };
const never = new AbortController().signal;
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('the snapshot gate', () => {
  it('grants at most `concurrency` permits at once and hands each released one to the longest waiter', async () => {
    const gate = SnapshotGate(limits);
    const first = await gate.acquire(never);
    const second = await gate.acquire(never);
    const order: string[] = [];
    const third = gate.acquire(never).then((permit) => (order.push('third'), permit));
    const fourth = gate.acquire(never).then((permit) => (order.push('fourth'), permit));
    await settled();
    assert.equal(gate.inFlight, 2);
    assert.equal(gate.waiting, 2);
    assert.deepEqual(order, [], 'nobody passes while both permits are held');
    first();
    first(); // a second release of the same permit frees nothing more
    await settled();
    assert.deepEqual(order, ['third']);
    assert.equal(gate.inFlight, 2);
    second();
    (await third)();
    (await fourth)();
    assert.equal(gate.inFlight, 0);
    assert.equal(gate.peakInFlight, 2);
  });

  it('refuses with UNAVAILABLE once the wait queue is full or a wait runs out, and reports why', async () => {
    const refusals: SnapshotGateRefusal[] = [];
    const gate = SnapshotGate(
      { concurrency: 1, queueLimit: 1, waitTimeoutMs: 50 },
      { onRefused: (reason) => refusals.push(reason) },
    );
    const held = await gate.acquire(never);
    const waiting = gate.acquire(never);
    await assert.rejects(
      gate.acquire(never),
      (error) => error instanceof ServerError && error.code === Status.UNAVAILABLE,
    );
    await assert.rejects(
      waiting,
      (error) => error instanceof ServerError && error.code === Status.UNAVAILABLE,
    );
    assert.deepEqual(refusals, ['queue_full', 'timeout']);
    assert.equal(gate.waiting, 0);
    held();
    assert.equal(gate.inFlight, 0);
  });

  it('drops a waiter whose watch ended, so its turn goes to the next', async () => {
    const granted: number[] = [];
    const gate = SnapshotGate(limits, { onGranted: (ms) => granted.push(ms) });
    const held = [await gate.acquire(never), await gate.acquire(never)];
    const gone = new AbortController();
    const abandoned = gate.acquire(gone.signal);
    const next = gate.acquire(never);
    gone.abort(new Error('client gone'));
    await assert.rejects(abandoned, /client gone/);
    assert.equal(gate.waiting, 1);
    held[0]();
    (await next)();
    held[1]();
    assert.equal(gate.inFlight, 0);
    assert.equal(granted.length, 3, 'two at once, then the waiter that stayed');
  });
});
