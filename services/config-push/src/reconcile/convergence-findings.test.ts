import { describe, expect, it } from 'vitest';
import { convergenceFindings, type NodeFacts } from './convergence-findings.js';

const desired = { revision: 10, hash: 'h10' };
const node = (ip: string, facts: Partial<NodeFacts> = {}): NodeFacts => ({
  ip,
  status: 'UP',
  applied: { revision: 10, hash: 'h10' },
  lastFailed: false,
  ...facts,
});

describe('convergenceFindings', () => {
  it('reports an UP node as lagging only once it has been behind for the threshold', () => {
    const behindSince = new Map<string, number>();
    const behind = [node('a', { applied: { revision: 9, hash: 'h9' } }), node('b')];
    const first = convergenceFindings({
      desired,
      nodes: behind,
      behindSince,
      now: 1_000,
      lagAfterMs: 60_000,
    });
    expect(first.lagging).toEqual([]);
    expect(first.caughtUp).toEqual(['b']);
    const later = convergenceFindings({
      desired,
      nodes: behind,
      behindSince,
      now: 61_000,
      lagAfterMs: 60_000,
    });
    expect(later.lagging).toEqual([{ ip: 'a', since: 1_000, revision: 9 }]);
  });

  it('forgets the lag of a node that caught up, went DOWN or left the inventory', () => {
    const behindSince = new Map([
      ['a', 0],
      ['b', 0],
      ['c', 0],
    ]);
    const findings = convergenceFindings({
      desired,
      nodes: [node('a'), node('b', { status: 'DOWN', applied: undefined })],
      behindSince,
      now: 100_000,
      lagAfterMs: 1_000,
    });
    expect(findings.lagging).toEqual([]);
    expect(findings.caughtUp).toEqual(['a']);
    expect([...behindSince.keys()]).toEqual([]);
  });

  it('counts a node that never confirmed any config as behind', () => {
    const behindSince = new Map([['a', 0]]);
    const findings = convergenceFindings({
      desired,
      nodes: [node('a', { applied: undefined })],
      behindSince,
      now: 5_000,
      lagAfterMs: 1_000,
    });
    expect(findings.lagging).toEqual([{ ip: 'a', since: 0, revision: undefined }]);
  });

  it('finds no pushable node when every node is DOWN or its last push failed, and only then', () => {
    const check = (nodes: NodeFacts[]) =>
      convergenceFindings({ desired, nodes, behindSince: new Map(), now: 0, lagAfterMs: 1 })
        .noPushableNode;
    expect(check([node('a', { status: 'DOWN' }), node('b', { lastFailed: true })])).toBe(true);
    expect(check([node('a', { status: 'DOWN' }), node('b')])).toBe(false);
    expect(check([])).toBe(false);
  });
});
