import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { allOrFirstError } from './all-or-first-error.js';

describe('starting parts together', () => {
  it('returns every result in order', async () => {
    assert.deepEqual(await allOrFirstError([Promise.resolve(1), Promise.resolve(2)]), [1, 2]);
  });

  it('throws the first failure only after every start settled', async () => {
    let slowDone = false;
    const slow = new Promise<number>((resolve) =>
      setTimeout(() => {
        slowDone = true;
        resolve(3);
      }, 20),
    );
    await assert.rejects(
      allOrFirstError([Promise.reject(new Error('first')), slow, Promise.reject(new Error('x'))]),
      /first/,
    );
    assert.ok(slowDone, 'the slow start had settled (and added itself to what is stopped)');
  });
});
