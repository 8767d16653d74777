import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ArgsError } from './args.js';
import type { Benchmark } from './benchmark.js';
import { selectBenchmarks } from './discover.js';

const named = (name: string): Benchmark => ({
  name,
  title: name,
  run: () => Promise.resolve({ figures: [], targets: [], notes: [] }),
});
const all = [named('memory'), named('scale'), named('watch-fanout')];

describe('selectBenchmarks', () => {
  it('selects all when no name is given, and the named ones in their own order', () => {
    assert.deepEqual(
      selectBenchmarks(all, []).map((b) => b.name),
      ['memory', 'scale', 'watch-fanout'],
    );
    assert.deepEqual(
      selectBenchmarks(all, ['watch-fanout', 'memory']).map((b) => b.name),
      ['memory', 'watch-fanout'],
    );
  });

  it('refuses a name no benchmark has, listing the ones there are', () => {
    assert.throws(
      () => selectBenchmarks(all, ['memroy']),
      (error: unknown) =>
        error instanceof ArgsError && /memroy.*memory, scale, watch-fanout/.test(error.message),
    );
  });
});
