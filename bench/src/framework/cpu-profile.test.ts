import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { shortLocation, topFunctions, type CpuProfile } from './cpu-profile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

describe('CPU profile top functions', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('decode', 'file:///repo/shared/dist/src/x.js', 9) },
      { id: 4, callFrame: frame('encode', 'file:///repo/node_modules/pkg/index.js', 0) },
    ],
    samples: [2, 3, 3, 4, 2, 3],
    timeDeltas: [1000, 1000, 1000, 1000, 5000, 2000],
  };

  it('ranks functions by self time, leaving idle time out of the percentages', () => {
    const top = topFunctions(profile, 'under load');
    assert.equal(top.totalMs, 5);
    assert.deepEqual(
      top.functions.map((fn) => [fn.name, fn.location, fn.selfMs, fn.selfPercent]),
      [
        ['decode', 'shared/dist/src/x.js:10', 4, 80],
        ['encode', 'pkg/index.js:1', 1, 20],
      ],
    );
  });

  it('shortens locations to the package or the workspace path', () => {
    assert.equal(shortLocation('', 0), '');
    assert.equal(shortLocation('node:internal/streams', 4), 'node:internal/streams:5');
  });
});
