import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Quiescence } from './quiescence.js';

describe('quiescence (wait min/max)', () => {
  it('has nothing due before the first change', () => {
    assert.equal(Quiescence(250, 1_000).dueAt(), undefined);
  });

  it('acts once nothing changed for the minimum wait', () => {
    const quiescence = Quiescence(250, 1_000);
    quiescence.mark(10_000);
    assert.equal(quiescence.dueAt(), 10_250);
    quiescence.mark(10_100);
    assert.equal(quiescence.dueAt(), 10_350, 'each change pushes the moment back');
  });

  it('never waits longer than the maximum after the first change of a burst', () => {
    const quiescence = Quiescence(250, 1_000);
    for (let now = 0; now <= 5_000; now += 100) quiescence.mark(now);
    assert.equal(quiescence.dueAt(), 1_000);
  });

  it('starts a new burst after clear()', () => {
    const quiescence = Quiescence(250, 1_000);
    quiescence.mark(0);
    quiescence.clear();
    assert.equal(quiescence.dueAt(), undefined);
    quiescence.mark(5_000);
    assert.equal(quiescence.dueAt(), 5_250, 'the maximum counts from the new first change');
  });

  it('is due between the last change + min and the first change + max, for any burst', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 50 }),
        (minMs, extraMs, gaps) => {
          const maxMs = minMs + extraMs;
          const quiescence = Quiescence(minMs, maxMs);
          let now = 0;
          let first: number | undefined;
          for (const gap of gaps) {
            now += gap;
            first ??= now;
            quiescence.mark(now);
          }
          const due = quiescence.dueAt()!;
          assert.ok(due <= first! + maxMs);
          assert.ok(due <= now + minMs);
          assert.ok(due === now + minMs || due === first! + maxMs);
        },
      ),
    );
  });
});
