import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { RevisionFollower } from './revision-follower.js';

describe('revision follower (channel feed gaps and polls)', () => {
  it('applies the next revision, ignores old ones, resyncs on a gap', () => {
    const follower = RevisionFollower();
    follower.resetTo(10);
    assert.equal(follower.change(11), 'apply');
    assert.equal(follower.revision, 11);
    assert.equal(follower.change(11), 'ignore');
    assert.equal(follower.change(3), 'ignore');
    assert.equal(follower.change(13), 'resync', 'revision 12 was lost');
    assert.equal(follower.revision, 11, 'a gap does not move the follower');
  });

  it('does not resync on one poll ahead (a message may be on its way)', () => {
    const follower = RevisionFollower();
    follower.resetTo(5);
    assert.equal(follower.polled(6), false);
    assert.equal(follower.change(6), 'apply');
    assert.equal(follower.polled(6), false);
  });

  it('resyncs when a poll finds it still below what an earlier poll saw', () => {
    const follower = RevisionFollower();
    follower.resetTo(5);
    assert.equal(follower.polled(7), false);
    assert.equal(follower.polled(7), true, 'revisions 6 and 7 never came');
  });

  it('does not resync while it keeps up with a moving counter', () => {
    const follower = RevisionFollower();
    follower.resetTo(5);
    assert.equal(follower.polled(6), false);
    assert.equal(follower.change(6), 'apply');
    assert.equal(follower.polled(8), false, 'caught up with the last poll: a new wait starts');
    assert.equal(follower.change(7), 'apply');
    assert.equal(follower.polled(9), true, 'still below 8, seen a poll ago');
  });

  it('a snapshot clears what the polls saw', () => {
    const follower = RevisionFollower();
    follower.polled(4);
    follower.resetTo(4);
    assert.equal(follower.polled(5), false);
    assert.equal(follower.revision, 4);
  });

  it('applies every revision exactly once and never resyncs when no message is lost', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000 }),
        fc.array(fc.boolean(), { maxLength: 100 }),
        (start, pollBetween) => {
          const follower = RevisionFollower();
          follower.resetTo(start);
          let published = start;
          for (const poll of pollBetween) {
            published++;
            // The poll may read the counter before the message arrives.
            if (poll) assert.equal(follower.polled(published), false);
            assert.equal(follower.change(published), 'apply');
            assert.equal(follower.change(published), 'ignore', 'a duplicate');
          }
          assert.equal(follower.revision, published);
        },
      ),
    );
  });
});
