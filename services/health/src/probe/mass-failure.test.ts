import { describe, expect, it } from 'vitest';
import { judgeMassFailure, massFailureCount, massFailureRuledOut } from './mass-failure.js';

const everyNode = { share: 1, minNodes: 2 };

describe('mass failure', () => {
  it('is every node by default, a share of them when configured, never for one node or when off', () => {
    expect(massFailureCount(everyNode, 2)).toBe(2);
    expect(massFailureCount(everyNode, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(massFailureCount({ share: 0.8, minNodes: 2 }, 10)).toBe(8);
    expect(massFailureCount({ share: 0.7, minNodes: 2 }, 10)).toBe(7);
    expect(massFailureCount({ share: 0, minNodes: 2 }, 10)).toBe(Number.POSITIVE_INFINITY);
  });

  it('is ruled out as soon as enough nodes answered healthy', () => {
    expect(massFailureRuledOut(everyNode, 3, 0)).toBe(false);
    expect(massFailureRuledOut(everyNode, 3, 1)).toBe(true);
    expect(massFailureRuledOut({ share: 0.5, minNodes: 2 }, 4, 2)).toBe(false);
    expect(massFailureRuledOut({ share: 0.5, minNodes: 2 }, 4, 3)).toBe(true);
  });

  it('keeps the status of nodes another replica reaches, naming it', () => {
    const verdicts = judgeMassFailure({
      failed: ['a', 'b'],
      recheck: new Map([
        ['a', false],
        ['b', false],
      ]),
      peers: [{ replica: 'health-2', healthy: ['a', 'b'], failed: [] }],
      connectivityOk: undefined,
    });
    expect(verdicts).toEqual([
      { ip: 'a', verdict: 'contradicted', by: ['health-2'] },
      { ip: 'b', verdict: 'contradicted', by: ['health-2'] },
    ]);
  });

  it('confirms failures every replica sees, and its own re-probe still sees', () => {
    const verdicts = judgeMassFailure({
      failed: ['a', 'b'],
      recheck: new Map([
        ['a', false],
        ['b', true],
      ]),
      peers: [{ replica: 'health-2', healthy: [], failed: ['a', 'b'] }],
      connectivityOk: false,
    });
    expect(verdicts).toEqual([
      { ip: 'a', verdict: 'confirmed' },
      { ip: 'b', verdict: 'recovered' },
    ]);
  });

  it('alone, trusts its re-probe unless its own connectivity check fails', () => {
    const alone = (connectivityOk: boolean | undefined) =>
      judgeMassFailure({
        failed: ['a'],
        recheck: new Map([['a', false]]),
        peers: [],
        connectivityOk,
      })[0]?.verdict;
    expect(alone(undefined)).toBe('confirmed');
    expect(alone(true)).toBe('confirmed');
    expect(alone(false)).toBe('isolated');
  });
});
