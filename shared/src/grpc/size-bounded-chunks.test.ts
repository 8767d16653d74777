import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { repeatedElementSize, SizeBoundedChunker, varintSize } from './size-bounded-chunks.js';

describe('size-bounded chunks', () => {
  it('sizes varints as protobuf encodes them', () => {
    assert.equal(varintSize(0), 1);
    assert.equal(varintSize(127), 1);
    assert.equal(varintSize(128), 2);
    assert.equal(varintSize(16_383), 2);
    assert.equal(varintSize(16_384), 3);
    assert.equal(varintSize(2 ** 21), 4);
    assert.equal(repeatedElementSize(300), 1 + 2 + 300);
  });

  it('never lets a chunk exceed the budget, keeps the order and loses no item', () => {
    const chunker = SizeBoundedChunker<number>(100);
    const sizes = [30, 30, 30, 30, 100, 1, 99, 50, 51, 49];
    const chunks: number[][] = [];
    sizes.forEach((bytes, index) => {
      const full = chunker.add(index, bytes);
      if (full) chunks.push(full);
    });
    chunks.push(chunker.take());
    for (const chunk of chunks) {
      assert.ok(chunk.reduce((sum, index) => sum + sizes[index], 0) <= 100, String(chunk));
      assert.ok(chunk.length > 0);
    }
    assert.deepEqual(
      chunks.flat(),
      sizes.map((_, index) => index),
    );
    assert.deepEqual(chunks, [[0, 1, 2], [3], [4], [5, 6], [7], [8, 9]]);
  });

  it('refuses one item larger than the budget, and takes an empty chunk when nothing is pending', () => {
    const chunker = SizeBoundedChunker<string>(10);
    assert.throws(() => chunker.add('big', 11), RangeError);
    assert.deepEqual(chunker.take(), []);
    assert.equal(chunker.add('a', 10), undefined);
    assert.equal(chunker.pendingBytes, 10);
    assert.deepEqual(chunker.add('b', 1), ['a']);
    assert.deepEqual(chunker.take(), ['b']);
    assert.equal(chunker.pendingBytes, 0);
  });
});
