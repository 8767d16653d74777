import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { SnapshotAssembler } from './snapshot-assembler.js';

describe('snapshot assembler', () => {
  it('returns nothing until the last chunk, then every item in order', () => {
    const assembler = SnapshotAssembler<string>();
    assert.equal(assembler.add(7, ['a', 'b'], true), undefined);
    assert.equal(assembler.assembling, true);
    assert.equal(assembler.add(7, ['c'], true), undefined);
    assert.deepEqual(assembler.add(7, ['d'], false), { revision: 7, items: ['a', 'b', 'c', 'd'] });
    assert.equal(assembler.assembling, false);
  });

  it('takes a one-message snapshot (an older server) and an empty one as whole', () => {
    const assembler = SnapshotAssembler<string>();
    assert.deepEqual(assembler.add(3, ['x'], false), { revision: 3, items: ['x'] });
    assert.deepEqual(assembler.add(4, [], false), { revision: 4, items: [] });
  });

  it('drops an unfinished snapshot when chunks of a new revision begin', () => {
    const assembler = SnapshotAssembler<string>();
    assert.equal(assembler.add(5, ['old'], true), undefined);
    assert.deepEqual(assembler.add(9, ['new'], false), { revision: 9, items: ['new'] });
  });
});
