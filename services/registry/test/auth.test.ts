import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createClient, Status } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { RedisKeys } from '@gateway/shared';
import { bearer, spec, startRedisAndRegistry, TOKENS } from './support/registry-fixture.js';

describe('registry: bearer tokens per role', () => {
  let env: Awaited<ReturnType<typeof startRedisAndRegistry>>;
  beforeAll(async () => {
    env = await startRedisAndRegistry();
  });
  afterAll(async () => {
    await env?.close();
  });

  const clientWith = (options: object) =>
    createClient(RegistryServiceDefinition, env.fixture.channel, { '*': options });

  it('no token → UNAUTHENTICATED; unknown token → UNAUTHENTICATED; malformed header → UNAUTHENTICATED', async () => {
    await assert.rejects(clientWith({}).register({ instance: spec() }), {
      code: Status.UNAUTHENTICATED,
    });
    await assert.rejects(
      clientWith(bearer('not-a-known-token-at-all')).register({ instance: spec() }),
      { code: Status.UNAUTHENTICATED },
    );
    const { Metadata } = await import('nice-grpc');
    await assert.rejects(
      clientWith({ metadata: Metadata({ authorization: TOKENS.core }) }).register({
        instance: spec(),
      }),
      { code: Status.UNAUTHENTICATED },
    );
    assert.equal(await env.redis.client.exists(RedisKeys.instances), 0);
  });

  it('an sdk token calling Register → PERMISSION_DENIED; a core token may not list', async () => {
    await assert.rejects(clientWith(bearer(TOKENS.sdk)).register({ instance: spec() }), {
      code: Status.PERMISSION_DENIED,
    });
    await assert.rejects(
      clientWith(bearer(TOKENS.core)).listInstances({ group: '', pageSize: 0, pageToken: '' }),
      { code: Status.PERMISSION_DENIED },
    );
    assert.equal(await env.redis.client.exists(RedisKeys.instances), 0);
  });

  it('core may register, heartbeat and deregister; admin may do everything', async () => {
    const core = clientWith(bearer(TOKENS.core));
    const registered = await core.register({ instance: spec({ port: 4242 }) });
    await core.heartbeat({ instanceId: registered.instance!.id });
    const listed = await clientWith(bearer(TOKENS.admin)).listInstances({
      group: '',
      pageSize: 0,
      pageToken: '',
    });
    assert.equal(listed.instances.length, 1);
    await core.deregister({ instanceId: registered.instance!.id });
  });
});
