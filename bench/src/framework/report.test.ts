import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { Machine } from './machine.js';
import { renderReport } from './report.js';
import { recordOf } from './run-record.js';
import { benchmarkSummary } from './summary.js';

const machine: Machine = {
  cores: 2,
  memoryGiB: 7.8,
  cpuModel: 'Example CPU @ 2.0GHz',
  loadAverage: '3.00 2.00 1.00',
  versions: { Node: 'v20.1.0', 'redis-server': 'Redis server v=7.0.15', nginx: 'nginx/1.22.1' },
};
const base = {
  title: 'Example',
  quick: false,
  timestamp: '2026-01-01T00:00:00Z',
  durationMs: 1500,
  machine,
};

const ok = recordOf(
  { ...base, name: 'register-throughput' },
  {
    result: {
      figures: [{ name: 'registry Register/s at 64', value: 1234.5, unit: '/s' }],
      targets: [
        { name: 'ratio | at 64', value: 0.42, comparison: '>=', bound: 0.6, unit: 'ratio' },
        { name: 'failures', value: 0, comparison: '<=', bound: 0, unit: 'count' },
      ],
      notes: ['client-bound'],
      profiles: [
        {
          title: 'registry under 64 callers',
          totalMs: 900,
          functions: [
            { name: 'decode', location: 'shared/x.js:3', selfMs: 120, selfPercent: 13.3 },
          ],
        },
      ],
    },
  },
);
const failed = recordOf({ ...base, name: 'scale' }, { error: new Error('nginx exited') });

describe('report', () => {
  const report = renderReport([ok, failed], machine);

  it('describes the machine: cores, memory, CPU and program versions', () => {
    for (const text of [
      '| cores | 2 |',
      '7.8 GiB',
      'Example CPU @ 2.0GHz',
      'Redis server v=7.0.15',
      'nginx/1.22.1',
      'v20.1.0',
    ])
      assert.ok(report.includes(text), text);
  });

  it('marks each target met or missed, and a failed benchmark as failed', () => {
    assert.match(
      report,
      /\| ratio \\\| at 64 \| 0\.42 ratio \| >= 0\.6 ratio \| \*\*missed\*\* \|/,
    );
    assert.match(report, /\| failures \| 0 count \| <= 0 count \| met \|/);
    assert.match(report, /\| register-throughput \| ok \| 1\/2 \| ratio \\\| at 64 \|/);
    assert.match(report, /## scale[\s\S]*\*\*FAILED\*\*: nginx exited/);
  });

  it('carries the notes and the profile of a miss', () => {
    assert.ok(report.includes('- client-bound'));
    assert.match(report, /#### Profile: registry under 64 callers \(900 ms sampled\)/);
    assert.match(report, /\| decode \| shared\/x\.js:3 \| 120 \| 13\.3 % \|/);
  });

  it('prints the same verdicts in the terminal summary', () => {
    const summary = benchmarkSummary(ok);
    assert.match(summary, /ratio \| at 64\s+0\.42 ratio\s+>= 0\.6 ratio\s+MISSED/);
    assert.match(summary, /1,234\.5\s+\/s|1,235\s+\/s/);
    assert.match(benchmarkSummary(failed), /FAILED: nginx exited/);
  });
});
