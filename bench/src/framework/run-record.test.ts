import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { targetMet } from './benchmark.js';
import type { Machine } from './machine.js';
import { recordOf, runFailed } from './run-record.js';

const machine: Machine = {
  cores: 2,
  memoryGiB: 8,
  cpuModel: 'test cpu',
  loadAverage: '1.00 1.00 1.00',
  versions: { Node: 'v20' },
};
const base = { name: 'b', title: 'B', quick: true, timestamp: 't', durationMs: 5, machine };

describe('targets and run outcome', () => {
  it('meets a bound exactly on it, in either direction', () => {
    const target = { name: 't', value: 0.6, bound: 0.6, unit: 'ratio' };
    assert.equal(targetMet({ ...target, comparison: '>=' }), true);
    assert.equal(targetMet({ ...target, comparison: '<=' }), true);
    assert.equal(targetMet({ ...target, value: 0.59, comparison: '>=' }), false);
    assert.equal(targetMet({ ...target, value: 0.61, comparison: '<=' }), false);
  });

  it('marks each target met or missed, and a missed target does not fail the run', () => {
    const record = recordOf(base, {
      result: {
        figures: [],
        targets: [
          { name: 'fast enough', value: 0.2, comparison: '>=', bound: 0.6, unit: 'ratio' },
          { name: 'small enough', value: 10, comparison: '<=', bound: 150, unit: 'MB' },
        ],
        notes: [],
      },
    });
    assert.deepEqual(
      record.targets.map((target) => target.met),
      [false, true],
    );
    assert.equal(record.outcome, 'ok');
    assert.equal(runFailed([record]), false);
  });

  it('fails the run when a benchmark threw, keeping its message', () => {
    const record = recordOf(base, { error: new Error('redis-server exited') });
    assert.equal(record.outcome, 'failed');
    assert.equal(record.error, 'redis-server exited');
    assert.equal(
      runFailed([recordOf(base, { result: { figures: [], targets: [], notes: [] } }), record]),
      true,
    );
  });
});
