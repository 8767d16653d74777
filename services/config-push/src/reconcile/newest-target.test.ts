import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { NewestTarget } from './newest-target.js';

const EPOCH = '1700000000000-0123456789abcdef';
const target = (revision: number, hash: string, epoch = EPOCH) => ({ epoch, revision, hash });

describe('the newest push target of a term', () => {
  it('a render is superseded once a later revision with other content is noted', () => {
    const newest = NewestTarget();
    newest.note(target(5, 'a'));
    assert.equal(newest.superseded(target(5, 'a')), false);
    newest.note(target(9, 'b'));
    assert.equal(newest.superseded(target(5, 'a')), true);
    assert.equal(newest.superseded(target(9, 'b')), false);
  });

  it('a later revision with the same content supersedes nothing, an older note changes nothing', () => {
    const newest = NewestTarget();
    newest.note(target(5, 'a'));
    newest.note(target(7, 'a'));
    assert.equal(newest.superseded(target(5, 'a')), false);
    newest.note(target(3, 'z'));
    assert.equal(newest.superseded(target(7, 'a')), false);
  });

  it('a newer store epoch supersedes whatever its revision', () => {
    const newest = NewestTarget();
    newest.note(target(40, 'a'));
    newest.note(target(1, 'b', '1800000000000-0123456789abcdef'));
    assert.equal(newest.superseded(target(40, 'a')), true);
  });
});
