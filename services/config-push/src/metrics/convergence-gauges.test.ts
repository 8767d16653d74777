import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { convergenceOf } from './convergence-gauges.js';

const desired = { epoch: 'e', revision: 10, hash: 'a'.repeat(64), time: 1_000_000 };

describe('each node against the desired config', () => {
  it('is behind without a confirmed config, with another hash or an older revision, and says since when', () => {
    const now = desired.time + 90_000;
    const { nodes } = convergenceOf(
      desired,
      [
        { ip: '10.0.0.1', applied: { revision: 10, hash: desired.hash, time: 1 } },
        { ip: '10.0.0.2', applied: { revision: 9, hash: desired.hash, time: 2 } },
        { ip: '10.0.0.3', applied: { revision: 10, hash: 'b'.repeat(64), time: 3 } },
        { ip: '10.0.0.4', applied: undefined },
      ],
      now,
    );
    assert.deepEqual(
      nodes.map((node) => [node.ip, node.behind, node.behindSeconds]),
      [
        ['10.0.0.1', false, 0],
        ['10.0.0.2', true, 90],
        ['10.0.0.3', true, 90],
        ['10.0.0.4', true, 90],
      ],
    );
    assert.equal(nodes[3].appliedRevision, undefined);
  });

  it('is never behind while nothing was ever accepted', () => {
    const { nodes } = convergenceOf(undefined, [{ ip: '10.0.0.1', applied: undefined }], 5);
    assert.equal(nodes[0].behind, false);
  });
});
