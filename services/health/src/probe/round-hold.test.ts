import { describe, expect, it } from 'vitest';
import type { ProbeOutcome } from './http-prober.js';
import { RoundHold, type HeldVerdict } from './round-hold.js';

const failedOutcome: ProbeOutcome = { healthy: false, latencyMs: 1, detail: 'connection refused' };
const everyNode = { share: 1, minNodes: 2 };

describe('RoundHold', () => {
  it('applies a failure at once when another node of the round already answered', async () => {
    const hold = RoundHold(2, everyNode, () => Promise.reject(new Error('not a mass failure')));
    hold.observe(true);
    await expect(hold.failed('a', failedOutcome)).resolves.toEqual({ action: 'apply' });
  });

  it('releases held failures as soon as a later node answers healthy', async () => {
    const hold = RoundHold(3, everyNode, () => Promise.reject(new Error('not a mass failure')));
    const first = hold.failed('a', failedOutcome);
    hold.observe(true);
    await expect(first).resolves.toEqual({ action: 'apply' });
  });

  it('sends a round that failed every node to the confirmation, with every failure', async () => {
    const seen: string[][] = [];
    const hold = RoundHold(2, everyNode, (failed) => {
      seen.push([...failed.keys()]);
      return Promise.resolve(
        new Map<string, HeldVerdict>([
          ['a', { action: 'keep', reason: 'unconfirmed' }],
          ['b', { action: 'apply' }],
        ]),
      );
    });
    const verdicts = await Promise.all([
      hold.failed('a', failedOutcome),
      hold.failed('b', failedOutcome),
    ]);
    expect(seen).toEqual([['a', 'b']]);
    expect(verdicts).toEqual([{ action: 'keep', reason: 'unconfirmed' }, { action: 'apply' }]);
  });

  it('counts a probe that ended without a result: two failures of three nodes are no mass failure', async () => {
    let asked = false;
    const hold = RoundHold(3, everyNode, () => {
      asked = true;
      return Promise.resolve(new Map());
    });
    const a = hold.failed('a', failedOutcome);
    const b = hold.failed('b', failedOutcome);
    hold.settled();
    await expect(Promise.all([a, b])).resolves.toEqual([{ action: 'apply' }, { action: 'apply' }]);
    expect(asked).toBe(false);
  });

  it('applies the failures when the confirmation itself fails', async () => {
    const hold = RoundHold(2, everyNode, () => Promise.reject(new Error('redis gone')));
    await expect(
      Promise.all([hold.failed('a', failedOutcome), hold.failed('b', failedOutcome)]),
    ).resolves.toEqual([{ action: 'apply' }, { action: 'apply' }]);
  });

  it('never holds a round over fewer nodes than the minimum', async () => {
    const hold = RoundHold(1, everyNode, () => Promise.reject(new Error('not a mass failure')));
    await expect(hold.failed('a', failedOutcome)).resolves.toEqual({ action: 'apply' });
  });
});
