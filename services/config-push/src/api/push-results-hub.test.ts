import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createLogger } from '@gateway/shared';
import type { AttemptRecord } from '../state/node-records.js';
import { PushResultsHub } from './push-results-hub.js';

const attempt = (revision: number): AttemptRecord => ({
  ip: '10.0.0.1',
  outcome: 'APPLIED',
  revision,
  hash: 'e'.repeat(64),
  error: '',
  time: revision,
  replica: 'r1',
  fence: 1,
  epoch: '1700000000000-0123456789abcdef',
});

/** Reads `count` results from a fresh subscription, publishing `publish` once it is in place. */
async function collect(hub: PushResultsHub, count: number, publish: () => void) {
  const controller = new AbortController();
  const seen: number[] = [];
  const stream = hub.subscribe(controller.signal);
  const first = stream.next(); // starts the generator: the subscription is in place
  publish();
  const head = await first;
  if (!head.done) seen.push(head.value.revision);
  for await (const item of stream) {
    seen.push(item.revision);
    if (seen.length >= count) controller.abort();
  }
  return seen;
}

describe('push results hub', () => {
  it('gives every subscriber every result in order', async () => {
    const hub = PushResultsHub(100, createLogger('test', 'silent'));
    const seen = await collect(hub, 3, () => [1, 2, 3].forEach((r) => hub.publish(attempt(r))));
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('drops the backlog of a subscriber that fell behind, then goes on', async () => {
    const hub = PushResultsHub(2, createLogger('test', 'silent'));
    const seen = await collect(hub, 2, () => {
      for (let r = 1; r <= 5; r++) hub.publish(attempt(r));
      // Once the subscriber has taken the overflow, new results reach it again.
      setTimeout(() => [6, 7].forEach((r) => hub.publish(attempt(r))), 20);
    });
    assert.deepEqual(seen, [6, 7]);
  });
});
