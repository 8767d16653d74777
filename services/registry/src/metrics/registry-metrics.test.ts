import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { parseRegistryGauges } from './registry-metrics.js';

describe('the registry’s scrape-time figures', () => {
  it('are read from the script’s reply: totals, flags and each group’s count', () => {
    const figures = parseRegistryGauges([7, 1, 2, 1, 0, 'orders', 5, 'users', 2]);
    assert.equal(figures.total, 7);
    assert.equal(figures.lapsed, 1);
    assert.equal(figures.expiring, 2);
    assert.equal(figures.preserving, true);
    assert.equal(figures.truncated, false);
    assert.deepEqual(
      [...figures.groups],
      [
        ['orders', 5],
        ['users', 2],
      ],
    );
  });

  it('have no group when the registry is empty', () => {
    const figures = parseRegistryGauges([0, 0, 0, 0, 0]);
    assert.equal(figures.groups.size, 0);
    assert.equal(figures.preserving, false);
  });
});
