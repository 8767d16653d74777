import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ArgsError, parseArgs } from './args.js';

describe('parseArgs', () => {
  it('runs everything in full by default', () => {
    assert.deepEqual(parseArgs([]), { quick: false, names: [], help: false });
  });

  it('takes --quick and benchmark names in any order, each name once', () => {
    assert.deepEqual(parseArgs(['scale', '--quick', 'memory', 'scale']), {
      quick: true,
      names: ['scale', 'memory'],
      help: false,
    });
  });

  it('refuses an unknown option and a name that is not kebab-case', () => {
    assert.throws(() => parseArgs(['--fast']), ArgsError);
    assert.throws(() => parseArgs(['../etc']), /not a benchmark name/);
  });
});
