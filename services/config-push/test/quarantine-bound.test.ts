import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PushOutcome } from '@gateway/proto/configpush';
import { waitFor, type AlertReceiver } from '@gateway/testkit';
import {
  getThrough,
  startBackend,
  startAlertingPushWorld,
  type Backend,
  type InProcessConfigPush,
  type PushWorld,
} from './support/push-fixture.js';

/** Names under the reserved `.invalid` TLD never resolve (RFC 6761). */
const FIRST = 'default/bad-one.invalid/80';
const SECOND = 'default/bad-two.invalid/80';

describe('config-push: the quarantine is bounded', () => {
  let world: PushWorld;
  let webhook: AlertReceiver;
  let push: InProcessConfigPush;
  let backend: Backend;
  beforeAll(async () => {
    ({ world, webhook, push } = await startAlertingPushWorld({
      CONFIG_PUSH_QUARANTINE_MAX_SHARE: '0',
      CONFIG_PUSH_QUARANTINE_MIN: '1',
    }));
    backend = await startBackend('kept');
  });
  afterAll(async () => {
    await push?.close();
    await backend?.close();
    await webhook?.close();
    await world?.close();
  });

  it('past its bound nothing more is quarantined: pushes fail, the nodes keep their config, and an alert says so', async () => {
    await world.register('default', backend.port);
    await waitFor('the good instance to be served', async () =>
      (await Promise.all(world.nodes.map((node) => getThrough(node)))).every(
        (answer) => answer.body === 'kept',
      ),
    );
    await world.register('default', 80, { host: 'bad-one.invalid' });
    await waitFor('the first poison instance quarantined', async () =>
      (await push.client.getPushStatus({})).quarantinedInstances.some(
        (entry) => entry.instanceId === FIRST,
      ),
    );
    const revision = await world.register('default', 80, { host: 'bad-two.invalid' });
    const full = await waitFor('the quarantine_full alert', () =>
      webhook.jsonBodies().find((alert) => alert['kind'] === 'quarantine_full'),
    );
    assert.match(String(full['message']), /bad-two\.invalid.*limit of 1 of 3 instances/);
    const status = await waitFor('the nodes to record the refused push', async () => {
      const current = await push.client.getPushStatus({});
      return current.nodes.every(
        (node) =>
          node.lastResult?.outcome === PushOutcome.PUSH_OUTCOME_FAILED &&
          node.lastResult.revision === revision,
      )
        ? current
        : undefined;
    });
    assert.deepEqual(
      status.quarantinedInstances.map((entry) => entry.instanceId),
      [FIRST],
    );
    for (const node of status.nodes) assert.ok(node.appliedRevision < revision);
    for (const node of world.nodes)
      assert.equal((await getThrough(node)).body, 'kept', 'the nodes keep serving their config');
    assert.equal(
      webhook
        .jsonBodies()
        .filter(
          (alert) =>
            alert['kind'] === 'instance_quarantined' && String(alert['message']).includes(SECOND),
        ).length,
      0,
    );
  });
});
