import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { mostProbesInAWindow } from './probe-windows.js';

describe('mostProbesInAWindow', () => {
  it('counts probes a window or more apart as one per window', () => {
    assert.equal(mostProbesInAWindow([0, 1000, 2500, 3500], 1000), 1);
    assert.equal(mostProbesInAWindow([], 1000), 0);
  });

  it('tolerates the 1 ms rounding of nginx $msec, and no more', () => {
    assert.equal(mostProbesInAWindow([0, 999], 1000), 1);
    assert.equal(mostProbesInAWindow([0, 998], 1000), 2);
    assert.equal(mostProbesInAWindow([0, 400, 800, 1200], 1000), 3);
  });
});
