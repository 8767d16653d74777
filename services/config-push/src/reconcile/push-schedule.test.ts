import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { PushSchedule, type PushRequest } from './push-schedule.js';

const TIMING = {
  waitMinMs: 250,
  waitMaxMs: 1_000,
  driftCheckIntervalMs: 60_000,
  retryMinMs: 1_000,
  retryMaxMs: 30_000,
};
const T0 = 1_000_000;
const HASH = 'c'.repeat(64);

/** A schedule whose first cycle (the term's full check) has been taken at T0. */
function afterFirstCycle() {
  const schedule = PushSchedule<PushRequest>(TIMING, T0, () => 0.5);
  schedule.take(T0);
  return schedule;
}

const EPOCH = '1700000000000-0123456789abcdef';
/** A registry stamp of the test's store epoch. */
const at = (revision: number) => ({ epoch: EPOCH, revision });

describe('push scheduling', () => {
  it('checks every node at once when a term starts, and renders', () => {
    const schedule = PushSchedule<PushRequest>(TIMING, T0);
    assert.equal(schedule.nextDue(T0), T0);
    const { request } = schedule.take(T0);
    assert.deepEqual(request, {
      render: true,
      force: false,
      verifyAll: true,
      verifyNodes: new Set(),
    });
  });

  it('is idle after the first cycle until the drift check', () => {
    const schedule = afterFirstCycle();
    assert.equal(schedule.nextDue(T0), T0 + TIMING.driftCheckIntervalMs);
    const { request } = schedule.take(T0 + TIMING.driftCheckIntervalMs);
    assert.equal(request.verifyAll, true, 'the drift check contacts every node');
    assert.equal(schedule.nextDue(T0 + 60_000), T0 + 2 * TIMING.driftCheckIntervalMs);
  });

  it('waits for quiescence after a registry change, and renders then', () => {
    const schedule = afterFirstCycle();
    assert.equal(schedule.registryChanged(at(5), T0 + 100), true);
    assert.equal(schedule.registryChanged(at(6), T0 + 200), true);
    assert.equal(schedule.nextDue(T0 + 200), T0 + 200 + TIMING.waitMinMs);
    const { request } = schedule.take(T0 + 450);
    assert.equal(request.render, true);
    assert.equal(request.verifyAll, false);
    assert.equal(schedule.nextDue(T0 + 450), T0 + TIMING.driftCheckIntervalMs, 'the burst is done');
  });

  it('caps a burst that never quiets at the maximum wait', () => {
    const schedule = afterFirstCycle();
    for (let ms = 0; ms < 3_000; ms += 100) schedule.registryChanged(at(10 + ms), T0 + ms);
    assert.equal(schedule.nextDue(T0 + 2_900), T0 + TIMING.waitMaxMs);
  });

  it('ignores a change to a revision already rendered', () => {
    const schedule = afterFirstCycle();
    schedule.rendered(at(7));
    assert.equal(schedule.registryChanged(at(7), T0 + 10), false);
    assert.equal(schedule.registryChanged(at(3), T0 + 10), false);
    assert.equal(schedule.nextDue(T0 + 10), T0 + TIMING.driftCheckIntervalMs);
    assert.equal(schedule.registryChanged(at(8), T0 + 10), true);
  });

  it('a poll repeating the pending revision does not push the render back', () => {
    const schedule = afterFirstCycle();
    assert.equal(schedule.registryChanged(at(5), T0 + 100), true);
    assert.equal(schedule.registryChanged(at(5), T0 + 300), false, 'the revision did not move');
    assert.equal(schedule.nextDue(T0 + 300), T0 + 100 + TIMING.waitMinMs);
    assert.equal(schedule.registryChanged(at(6), T0 + 320), true, 'a moved revision does');
    assert.equal(schedule.nextDue(T0 + 320), T0 + 320 + TIMING.waitMinMs);
  });

  it('a poll of a seen but unrendered revision is due again once no render is pending', () => {
    const schedule = afterFirstCycle();
    schedule.registryChanged(at(5), T0 + 100);
    schedule.take(T0 + 350);
    // The cycle read only revision 4 (or failed before it recorded what it rendered).
    schedule.rendered(at(4));
    assert.equal(schedule.registryChanged(at(5), T0 + 2_000), true);
    assert.equal(schedule.nextDue(T0 + 2_000), T0 + 2_000 + TIMING.waitMinMs);
  });

  it('takes a change of a newer store epoch as new, whatever its revision', () => {
    const schedule = afterFirstCycle();
    schedule.rendered(at(40));
    const newer = { epoch: '1800000000000-0123456789abcdef', revision: 1 };
    const older = { epoch: '1600000000000-0123456789abcdef', revision: 99 };
    assert.equal(schedule.registryChanged(older, T0 + 10), false);
    assert.equal(schedule.registryChanged(newer, T0 + 10), true);
  });

  it('checks a node that came UP at once, without cutting a pending burst short', () => {
    const schedule = afterFirstCycle();
    schedule.registryChanged(at(5), T0 + 100);
    schedule.nodeNeedsCheck('10.0.0.7');
    assert.equal(schedule.nextDue(T0 + 120), T0 + 120, 'due at once');
    const { request } = schedule.take(T0 + 120);
    assert.equal(request.render, false, 'the burst still waits for quiescence');
    assert.deepEqual([...request.verifyNodes], ['10.0.0.7']);
    assert.equal(schedule.nextDue(T0 + 120), T0 + 100 + TIMING.waitMinMs, 'the burst stays due');
    assert.equal(schedule.take(T0 + 350).request.render, true);
  });

  it('looks again at once when a push ends, without rendering mid-burst', () => {
    const schedule = afterFirstCycle();
    schedule.registryChanged(at(5), T0 + 100);
    schedule.nodeSettled();
    assert.equal(schedule.nextDue(T0 + 150), T0 + 150);
    const { request } = schedule.take(T0 + 150);
    assert.deepEqual(request, {
      render: false,
      force: false,
      verifyAll: false,
      verifyNodes: new Set(),
    });
  });

  it('answers PushNow at once: renders, forces when any caller forces, one node or all', () => {
    const schedule = afterFirstCycle();
    schedule.registryChanged(at(5), T0 + 100);
    schedule.request({ force: false, onlyNode: '10.0.0.2' });
    schedule.request({ force: true, onlyNode: '10.0.0.3' });
    assert.equal(schedule.nextDue(T0 + 110), T0 + 110);
    const one = schedule.take(T0 + 110);
    assert.equal(one.taken.length, 2);
    assert.deepEqual(one.request, {
      render: true,
      force: true,
      verifyAll: false,
      verifyNodes: new Set(['10.0.0.2', '10.0.0.3']),
    });
    schedule.request({ force: false, onlyNode: undefined });
    const all = schedule.take(T0 + 200);
    assert.equal(all.request.verifyAll, true);
    assert.equal(all.request.force, false);
  });

  it('is due when a failed node may be retried', () => {
    const schedule = afterFirstCycle();
    const retryAt = schedule.backoff.failed('10.0.0.4', HASH, T0 + 10);
    assert.equal(retryAt, T0 + 10 + TIMING.retryMinMs);
    assert.equal(schedule.nextDue(T0 + 20), retryAt);
  });

  it('after a failed cycle tries again after the minimum retry delay, not at once', () => {
    const schedule = afterFirstCycle();
    schedule.cycleFailed(T0 + 10);
    const due = schedule.nextDue(T0 + 10)!;
    assert.equal(due, T0 + 10 + TIMING.retryMinMs + TIMING.waitMinMs);
    assert.equal(schedule.take(due).request.render, true);
  });

  it('hands back the requests no cycle took when the pusher stops', () => {
    const schedule = afterFirstCycle();
    const request = { force: false, onlyNode: undefined };
    schedule.request(request);
    assert.deepEqual(schedule.drainRequests(), [request]);
    assert.deepEqual(schedule.drainRequests(), []);
    assert.equal(schedule.nextDue(T0), T0 + TIMING.driftCheckIntervalMs);
  });
});
