import { describe, expect, it } from 'vitest';
import { decideEpochPush, type EpochGuardInput } from './epoch-guard.js';

const OLD = '1764000000000-00000000000000aa';
const NEW = '1764000900000-00000000000000bb';
const base: EpochGuardInput = {
  target: { epoch: NEW, servers: 2 },
  node: { epoch: OLD, servers: 10 },
  force: false,
  minShare: 0.5,
  minRemoved: 2,
  settleMs: 60_000,
  epochSeenAt: 1_000_000,
  now: 1_010_000,
};

describe('the drop guard across a new store epoch', () => {
  it('holds back a new-epoch render that drops most of the servers the node runs, until the settle time', () => {
    const decision = decideEpochPush(base);
    expect(decision.push).toBe(false);
    if (!decision.push) expect(decision.retryAt).toBe(1_060_000);
  });

  it('pushes it once the settle time has passed since the epoch was first seen', () => {
    expect(decideEpochPush({ ...base, now: 1_060_000 }).push).toBe(true);
  });

  it('pushes it at once when an admin forces it', () => {
    expect(decideEpochPush({ ...base, force: true }).push).toBe(true);
  });

  it("pushes a new-epoch render that keeps at least the floor share of the node's servers", () => {
    expect(decideEpochPush({ ...base, target: { epoch: NEW, servers: 5 } }).push).toBe(true);
  });

  it('pushes to a node that runs nothing yet (a fresh node has no servers to lose)', () => {
    expect(decideEpochPush({ ...base, node: { epoch: '', servers: 0 } }).push).toBe(true);
  });

  it("leaves a render of the node's own epoch to the ordinary guard and fence", () => {
    expect(decideEpochPush({ ...base, node: { epoch: NEW, servers: 10 } }).push).toBe(true);
  });

  it('treats a node that never recorded an epoch as running an older one', () => {
    expect(decideEpochPush({ ...base, node: { epoch: '', servers: 10 } }).push).toBe(false);
  });

  it('does not count fewer removals than the minimum as a drop', () => {
    expect(
      decideEpochPush({
        ...base,
        node: { epoch: OLD, servers: 2 },
        target: { epoch: NEW, servers: 1 },
      }).push,
    ).toBe(true);
  });
});
