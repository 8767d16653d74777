import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { waitFor, type AlertReceiver } from '@gateway/testkit';
import {
  getThrough,
  startBackend,
  startAlertingPushWorld,
  type Backend,
  type InProcessConfigPush,
  type PushWorld,
} from './support/push-fixture.js';

const LIMIT = 1_024;

describe('config-push: a render larger than the nodes accept', () => {
  let world: PushWorld;
  let webhook: AlertReceiver;
  let push: InProcessConfigPush;
  let backend: Backend;
  beforeAll(async () => {
    ({ world, webhook, push } = await startAlertingPushWorld({
      CONFIG_PUSH_NODE_MAX_BYTES: String(LIMIT),
    }));
    backend = await startBackend('small');
  });
  afterAll(async () => {
    await push?.close();
    await backend?.close();
    await webhook?.close();
    await world?.close();
  });

  it('is refused before it is pushed, with an alert naming its size and the limit; the nodes keep their config', async () => {
    await world.register('default', backend.port);
    await waitFor('the small render to be served', async () => {
      const answers = await Promise.all(world.nodes.map((node) => getThrough(node)));
      return answers.every((answer) => answer.body === 'small');
    });
    for (let index = 0; index < 20; index++) await world.register(`group-${index}`, 20_000 + index);

    const alert = await waitFor('the size alert', () =>
      webhook.jsonBodies().find((entry) => entry['kind'] === 'config_too_large'),
    );
    const message = String(alert['message']);
    const size = Number(/the render is (\d+) bytes/.exec(message)?.[1]);
    assert.ok(size > LIMIT, message);
    assert.match(message, new RegExp(`over the nodes' limit of ${LIMIT} bytes`));
    const status = await push.client.getPushStatus({});
    assert.ok(status.refusals.some((refusal) => /over the nodes' limit/.test(refusal)));
    console.log(`[figure] refused render: ${size} bytes, limit ${LIMIT}`);
    // Renders under the limit (the first registrations of the burst) may have been pushed; the
    // oversized one never was, and no node was ever sent a file over its limit.
    assert.ok(status.desiredRevision < status.registryRevision);
    for (const node of world.nodes) {
      assert.ok(readFileSync(node.livePath).length <= LIMIT);
      assert.ok(node.journal().every((entry) => entry.outcome !== 'too-large'));
      assert.ok(status.nodes.every((entry) => entry.appliedRevision <= status.desiredRevision));
    }
  });
});
