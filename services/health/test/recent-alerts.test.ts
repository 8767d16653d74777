import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ClientError, Status } from 'nice-grpc';
import { AlertState } from '@gateway/proto/health';
import { RedisKeys } from '@gateway/shared';
import { startRedisAndHealth } from './support/health-fixture.js';

let world: Awaited<ReturnType<typeof startRedisAndHealth>>;

beforeAll(async () => {
  world = await startRedisAndHealth();
});
afterAll(async () => {
  await world?.close();
});

/** Appends outbox entries as the enqueue script writes them (key, state, payload). */
async function appendAlerts(count: number): Promise<void> {
  for (let index = 1; index <= count; index++) {
    const record = {
      key: `node:10.0.0.${index}`,
      kind: 'node_down',
      message: `Nginx node 10.0.0.${index} is DOWN`,
      node: `10.0.0.${index}`,
      details: { attempt: index },
      state: index % 2 === 0 ? 'resolved' : 'firing',
      source: 'health',
      replica: 'replica-a',
      time: 1_764_000_000_000 + index,
    };
    await world.redis.client.xadd(
      RedisKeys.alertOutbox('health'),
      '*',
      'key',
      record.key,
      'state',
      record.state,
      'payload',
      JSON.stringify(record),
    );
  }
  // An unreadable entry is skipped, never an error.
  await world.redis.client.xadd(RedisKeys.alertOutbox('health'), '*', 'payload', '{not json');
}

describe('ListRecentAlerts', () => {
  it('pages through the outbox newest first, each alert as raised', async () => {
    await appendAlerts(5);
    const admin = world.fixture.admin;
    const first = await admin.listRecentAlerts({ pageSize: 3, pageToken: '' });
    // The newest entry is the unreadable one: skipped, and the page holds the two before it.
    assert.deepEqual(
      first.alerts.map((alert) => alert.node),
      ['10.0.0.5', '10.0.0.4'],
    );
    assert.notEqual(first.nextPageToken, '');
    const second = await admin.listRecentAlerts({ pageSize: 3, pageToken: first.nextPageToken });
    assert.deepEqual(
      second.alerts.map((alert) => alert.node),
      ['10.0.0.3', '10.0.0.2', '10.0.0.1'],
    );
    assert.equal(second.nextPageToken, '', 'no older alerts');
    const [newest] = first.alerts;
    assert.equal(newest?.state, AlertState.ALERT_STATE_FIRING);
    assert.equal(newest?.kind, 'node_down');
    assert.equal(newest?.raiseTime?.getTime(), 1_764_000_000_005);
    assert.deepEqual(newest?.details, { attempt: '5' });
    assert.equal(first.alerts[1]?.state, AlertState.ALERT_STATE_RESOLVED);
    const all = await admin.listRecentAlerts({ pageSize: 0, pageToken: '' });
    assert.equal(all.alerts.length, 5, 'page_size 0 means the default (20)');
  });

  it('refuses a bad page_size or page_token with INVALID_ARGUMENT naming the field, and the sdk role', async () => {
    for (const [request, field] of [
      [{ pageSize: 101, pageToken: '' }, 'page_size'],
      [{ pageSize: -1, pageToken: '' }, 'page_size'],
      [{ pageSize: 1, pageToken: 'nope' }, 'page_token'],
    ] as const) {
      await assert.rejects(world.fixture.admin.listRecentAlerts(request), (error: unknown) => {
        assert.ok(error instanceof ClientError);
        assert.equal(error.code, Status.INVALID_ARGUMENT);
        assert.match(error.details, new RegExp(`^${field}: `));
        return true;
      });
    }
    await assert.rejects(
      world.fixture.sdk.listRecentAlerts({ pageSize: 1, pageToken: '' }),
      (error: unknown) => error instanceof ClientError && error.code === Status.PERMISSION_DENIED,
    );
  });
});
