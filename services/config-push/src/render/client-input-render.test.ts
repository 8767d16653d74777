import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  checkInstanceSpec,
  FieldViolation,
  instanceId,
  type InstanceSpecData,
  type StoredInstance,
} from '@gateway/shared';
import { clientSpec, STRICT_RENDER_LINES } from './client-spec.fixture.js';
import { checkRenderGrammar } from './render-grammar.js';
import { renderUpstreams } from './render-upstreams.js';
import { storedInstance } from './stored-instance.fixture.js';

/** What Register stores for the specs it accepts (the last one of an id wins, as in the hash). */
function registered(specs: readonly InstanceSpecData[]): StoredInstance[] {
  const byId = new Map<string, StoredInstance>();
  for (const spec of specs)
    byId.set(instanceId(spec), storedInstance(spec.group, spec.host, spec.port, spec));
  return [...byId.values()];
}

describe('render of whatever a client gets past Register', () => {
  it('is made only of lines of the strict grammar, accepted by the node grammar, with every registered instance rendered', () => {
    let sent = 0;
    let accepted = 0;
    let lines = 0;
    fc.assert(
      fc.property(fc.array(clientSpec, { minLength: 1, maxLength: 12 }), (inputs) => {
        const specs: InstanceSpecData[] = [];
        for (const input of inputs) {
          sent += 1;
          try {
            specs.push(checkInstanceSpec(input, 'instance'));
          } catch (error) {
            assert.ok(error instanceof FieldViolation, String(error));
            assert.match(
              error.field,
              /^instance\.(group|host|port|weight|max_fails|fail_timeout|metadata(\[.*\])?)$/s,
            );
          }
        }
        accepted += specs.length;
        const instances = registered(specs);
        const render = renderUpstreams(instances);
        const content = render.content.split('\n');
        lines += content.length;
        for (const line of content) {
          assert.ok(
            STRICT_RENDER_LINES.some((pattern) => pattern.test(line)),
            `line outside the strict grammar: ${JSON.stringify(line)}`,
          );
          assert.ok(line.length <= 512, 'the node refuses lines over 512 characters');
        }
        assert.equal(checkRenderGrammar(render.content), undefined, render.content);
        // Only the one group whose upstream would collide with gateway_backend is left out.
        assert.deepEqual(
          render.skipped.map((entry) => entry.reason),
          instances
            .filter((instance) => instance.spec.group === 'backend')
            .map(() => 'group "backend" would collide with gateway_backend'),
        );
        assert.equal(render.servers, instances.length - render.skipped.length);
      }),
      { numRuns: 1_500 },
    );
    console.log(
      `[figure] client specs sent to validation: ${sent}, accepted and rendered: ${accepted}, rendered lines checked: ${lines}`,
    );
    assert.ok(accepted > 0 && accepted < sent, 'both accepted and refused specs were generated');
  });

  it('renders the same file whatever metadata the client attached: metadata never reaches a line', () => {
    fc.assert(
      fc.property(clientSpec, (input) => {
        let spec: InstanceSpecData;
        try {
          spec = checkInstanceSpec(input, 'instance');
        } catch {
          return;
        }
        assert.equal(
          renderUpstreams(registered([spec])).content,
          renderUpstreams(registered([{ ...spec, metadata: {} }])).content,
        );
      }),
      { numRuns: 1_000 },
    );
  });
});
