import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ClientError, Status, type Metadata } from 'nice-grpc';
import { RETRY_AFTER_METADATA } from '@gateway/shared';
import {
  instanceOn,
  SECRETS,
  startIdentityWorld,
  type IdentityWorld,
} from './support/identity-world.js';

describe('registry: per-token rate and stream limits', () => {
  let world: IdentityWorld;
  beforeAll(async () => {
    // A burst of 3 mutating calls, then one per 20 s; at most 2 Watch streams per token.
    world = await startIdentityWorld({
      GATEWAY_TOKEN_RATE: '0.05',
      GATEWAY_TOKEN_BURST: '3',
      GATEWAY_TOKEN_MAX_STREAMS: '2',
    });
  }, 150_000);
  afterAll(async () => {
    await world?.close();
  });

  it('answers RESOURCE_EXHAUSTED with a retry hint past the burst, and another token is unaffected', async () => {
    const a = world.client(SECRETS.coreA);
    for (let i = 1; i <= 3; i++) await a.register({ instance: instanceOn(`10.30.0.${i}`) });
    let trailer: Metadata | undefined;
    const refused = await a
      .register({ instance: instanceOn('10.30.0.4') }, { onTrailer: (t) => (trailer = t) })
      .then(
        () => assert.fail('the fourth Register within the burst window was accepted'),
        (error: unknown) => error,
      );
    assert.ok(refused instanceof ClientError);
    assert.equal(refused.code, Status.RESOURCE_EXHAUSTED);
    assert.match(refused.details, /token "core-a" is over its rate .* retry after \d+ ms/);
    const hint = Number(trailer?.get(RETRY_AFTER_METADATA));
    assert.ok(hint > 0 && hint <= 20_000, `retry-after-ms ${String(hint)}`);
    console.log(`[figure] retry hint after the burst: ${hint} ms`);

    const b = world.client(SECRETS.coreB);
    const other = await b.register({ instance: instanceOn('10.30.1.1') });
    assert.equal(other.instance!.ownerToken, 'core-b');
    // Heartbeats are not rate-limited: a token over its rate keeps its instances alive.
    await a.heartbeat({ instanceId: 'default/10.30.0.1/8080' });
  });

  it('caps the concurrent Watch streams of one token', async () => {
    const ops = world.client(SECRETS.admin);
    const streams = [new AbortController(), new AbortController()];
    const opened = streams.map((controller) =>
      ops
        .watchInstances({ group: '', chunkedSnapshots: false }, { signal: controller.signal })
        [Symbol.asyncIterator](),
    );
    try {
      for (const stream of opened) await stream.next();
      const third = ops
        .watchInstances({ group: '', chunkedSnapshots: false })
        [Symbol.asyncIterator]();
      await assert.rejects(third.next(), {
        code: Status.RESOURCE_EXHAUSTED,
        message: /already has 2 streams open/,
      });
      const admin = world.client(SECRETS.admin2);
      const adminStream = new AbortController();
      const first = await admin
        .watchInstances({ group: '', chunkedSnapshots: false }, { signal: adminStream.signal })
        [Symbol.asyncIterator]()
        .next();
      assert.equal(first.done, false, 'another token (the rotated admin) still watches');
      adminStream.abort();
    } finally {
      for (const controller of streams) controller.abort();
    }
  });
});
