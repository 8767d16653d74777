import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { checkRender } from './render-guard.js';

/** A render well within the nodes' size limit. */
const SIZE_OK = { bytes: 100, maxBytes: 4_194_304 };

describe('render guard', () => {
  it('never pushes a render without servers, even forced or as the first render', () => {
    assert.equal(
      checkRender({
        ...SIZE_OK,
        servers: 0,
        previousServers: 3,
        force: true,
        minShare: 0.5,
        minRemoved: 2,
      })?.kind,
      'all_instances_gone',
    );
    assert.equal(
      checkRender({
        ...SIZE_OK,
        servers: 0,
        previousServers: undefined,
        force: false,
        minShare: 0.5,
        minRemoved: 2,
      })?.kind,
      'all_instances_gone',
    );
  });

  it('refuses a sudden drop below the floor share unless forced', () => {
    const guard = (servers: number, previousServers: number | undefined, force = false) =>
      checkRender({ ...SIZE_OK, servers, previousServers, force, minShare: 0.5, minRemoved: 2 })
        ?.kind;
    assert.equal(guard(4, 10), 'drop_guard');
    assert.equal(guard(4, 10, true), undefined);
    assert.equal(guard(5, 10), undefined, 'exactly half is allowed');
    assert.equal(guard(1, 2), undefined, 'one server gone is below the minimum count');
    assert.equal(guard(1, 3), 'drop_guard');
    assert.equal(guard(12, 10), undefined);
    assert.equal(guard(1, undefined), undefined, 'the first render has nothing to compare with');
  });

  it('refuses a render larger than the nodes accept, even forced, naming size and limit', () => {
    const refusal = checkRender({
      servers: 3,
      previousServers: 3,
      force: true,
      minShare: 0.5,
      minRemoved: 2,
      bytes: 5_000,
      maxBytes: 4_096,
    });
    assert.equal(refusal?.kind, 'config_too_large');
    assert.match(refusal?.message ?? '', /5000 bytes.*4096 bytes/);
  });
});
