import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkInstanceSpec, instanceId, type StoredInstance } from '@gateway/shared';
import { clientSpec } from '../src/render/client-spec.fixture.js';
import { renderUpstreams } from '../src/render/render-upstreams.js';
import { storedInstance } from '../src/render/stored-instance.fixture.js';
import { checkWithApplyScript } from './support/apply-check.js';

const SEED = 20261126;
const RENDERS = 120;

/** The instances Register would store for `inputs` (refused ones left out, the last of an id wins). */
function registered(inputs: ReadonlyArray<Parameters<typeof checkInstanceSpec>[0]>) {
  const byId = new Map<string, StoredInstance>();
  for (const input of inputs) {
    try {
      const spec = checkInstanceSpec(input, 'instance');
      byId.set(instanceId(spec), storedInstance(spec.group, spec.host, spec.port, spec));
    } catch {
      // Refused by Register: never stored, never rendered.
    }
  }
  return [...byId.values()];
}

describe("the apply script's grammar check on renders of hostile client input", () => {
  it('accepts every render of what Register lets through, however hostile the rest of the input was', () => {
    const batches = fc.sample(fc.array(clientSpec, { minLength: 5, maxLength: 60 }), {
      seed: SEED,
      numRuns: RENDERS,
    });
    let servers = 0;
    let refusedInputs = 0;
    for (const [index, inputs] of batches.entries()) {
      const instances = registered(inputs);
      refusedInputs += inputs.length - instances.length;
      const render = renderUpstreams(instances);
      servers += render.servers;
      const result = checkWithApplyScript(render.content);
      assert.equal(result.code, 0, `render ${index} (seed ${SEED}) refused: ${result.stderr}`);
    }
    console.log(
      `[figure] apply script check on fuzzed renders: ${RENDERS} renders, ${servers} server lines accepted, ${refusedInputs} hostile specs refused before render (seed ${SEED})`,
    );
    assert.ok(servers > RENDERS, 'the renders held server lines');
  });
});
