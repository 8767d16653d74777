import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { bisectCulprit, type TestVerdict } from './bisect.js';

const ids = Array.from({ length: 100 }, (_, index) => `default/10.0.0.${index}/80`);
const same = (a: string, b: string) => a === b;

/** A node whose nginx -t fails whenever one of `poison` is in the render. */
function nodeRefusing(poison: readonly string[]) {
  const seen: string[][] = [];
  const test = (subset: readonly string[]): Promise<TestVerdict> => {
    seen.push([...subset]);
    const bad = subset.find((id) => poison.includes(id));
    return Promise.resolve(bad ? { ok: false, message: 'could not build map_hash' } : { ok: true });
  };
  return { test, seen };
}

describe('bisectCulprit: one poison instance when nginx does not name it', () => {
  it('finds a culprit anywhere in ceil(log2(n)) tests, never testing an empty render', async () => {
    for (const position of [0, 1, 37, 98, 99]) {
      const { test, seen } = nodeRefusing([ids[position]]);
      const found = await bisectCulprit(ids, test, same, 'could not build map_hash');
      assert.equal(found.found, true);
      assert.equal(found.found && found.culprit, ids[position]);
      assert.ok(found.tests <= Math.ceil(Math.log2(ids.length)) + 1, `${found.tests} tests`);
      assert.ok(seen.every((subset) => subset.length > 0));
    }
  });

  it('with several culprits finds the first of them', async () => {
    const { test } = nodeRefusing([ids[60], ids[20]]);
    const found = await bisectCulprit(ids, test, same, 'x');
    assert.equal(found.found && found.culprit, ids[20]);
  });

  it('blames the node, not an instance, when everything fails the same way', async () => {
    const test = () => Promise.resolve<TestVerdict>({ ok: false, message: 'nginx.conf broken' });
    const found = await bisectCulprit(ids, test, same, 'nginx.conf broken');
    assert.equal(found.found, false);
    assert.match(!found.found ? found.why : '', /the node, not an instance/);
  });

  it('a single instance that fails is the culprit', async () => {
    const { test, seen } = nodeRefusing([ids[0]]);
    const found = await bisectCulprit([ids[0]], test, same, 'x');
    assert.equal(found.found && found.culprit, ids[0]);
    assert.equal(seen.length, 0, 'the failed push already said so');
  });

  it('stops at the first test that cannot run', async () => {
    const test = () => Promise.reject(new Error('ssh gone'));
    await assert.rejects(bisectCulprit(ids, test, same, 'x'), /ssh gone/);
  });
});
