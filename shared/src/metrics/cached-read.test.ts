import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { cachedRead } from './cached-read.js';

describe('a scrape-time read shared by collectors', () => {
  it('is made once for collectors asking at the same time, and again for a later scrape', async () => {
    let reads = 0;
    const read = cachedRead(() => Promise.resolve(++reads), {
      ttlMs: 20,
      timeoutMs: 1_000,
      onError: () => {},
    });
    const together = await Promise.all([read(), read(), read()]);
    assert.deepEqual(together, [1, 1, 1]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(await read(), 2);
  });

  it('yields undefined and reports a read that fails or takes longer than its bound', async () => {
    const errors: string[] = [];
    const onError = (error: unknown) => errors.push((error as Error).message);
    const failing = cachedRead(() => Promise.reject(new Error('redis down')), {
      ttlMs: 0,
      timeoutMs: 1_000,
      onError,
    });
    assert.equal(await failing(), undefined);
    const hanging = cachedRead(() => new Promise<number>(() => {}), {
      ttlMs: 0,
      timeoutMs: 30,
      onError,
    });
    const started = Date.now();
    assert.equal(await hanging(), undefined);
    assert.ok(Date.now() - started < 1_000);
    assert.deepEqual(errors, ['redis down', 'no answer within 30 ms']);
  });
});
