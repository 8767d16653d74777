import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { GrpcReflection } from 'grpc-js-reflection-client';
import { RedisKeys } from '@gateway/shared';
import { startRedisAndRegistry, TOKENS } from './support/registry-fixture.js';

type UnaryMethod = (
  request: object,
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null, response: Record<string, unknown>) => void,
) => void;

/**
 * A client that knows nothing but the reflection service (as grpcurl does): it lists
 * the services, downloads the descriptors, builds a dynamic stub and calls Register.
 * Run with both reflection versions: v1 (grpcurl ≥ 1.9) and v1alpha (older tools).
 */
describe('registry: server reflection is enough to list and call every RPC', () => {
  let env: Awaited<ReturnType<typeof startRedisAndRegistry>>;
  beforeAll(async () => {
    env = await startRedisAndRegistry();
  });
  afterAll(async () => {
    await env?.close();
  });

  for (const version of ['v1', 'v1alpha']) {
    it(`reflection ${version}: list, describe, call Register`, async () => {
      const reflection = new GrpcReflection(
        env.fixture.address,
        grpc.credentials.createInsecure(),
        {},
        version,
      );
      const services = await reflection.listServices();
      assert.ok(services.includes('gateway.registry.v1.RegistryService'), services.join());
      assert.ok(services.includes('grpc.health.v1.Health'), services.join());

      const methods = (await reflection.listMethods('gateway.registry.v1.RegistryService'))
        .map((method) => method.name)
        .sort();
      assert.deepEqual(methods, [
        'Deregister',
        'Heartbeat',
        'ListInstances',
        'Register',
        'WatchInstances',
      ]);

      const descriptor = await reflection.getDescriptorBySymbol(
        'gateway.registry.v1.RegistryService',
      );
      const pkg = descriptor.getPackageObject({
        keepCase: true,
        longs: Number,
        enums: String,
        defaults: true,
        oneofs: true,
      }) as unknown as {
        gateway: { registry: { v1: { RegistryService: grpc.ServiceClientConstructor } } };
      };
      const Service = pkg.gateway.registry.v1.RegistryService;
      const client = new Service(
        env.fixture.address,
        grpc.credentials.createInsecure(),
      ) as unknown as Record<string, UnaryMethod>;
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${TOKENS.core}`);
      const port = version === 'v1' ? 9101 : 9102;
      const response = await new Promise<{ instance: { id: string } }>((resolve, reject) =>
        client['Register'].call(
          client,
          { instance: { group: 'reflected', host: '10.9.0.1', port, weight: 3 } },
          metadata,
          (error, reply) =>
            error ? reject(error) : resolve(reply as { instance: { id: string } }),
        ),
      );
      assert.equal(response.instance.id, `reflected/10.9.0.1/${port}`);
      assert.equal(
        await env.redis.client.hexists(RedisKeys.instances, `reflected/10.9.0.1/${port}`),
        1,
      );
      (client as unknown as grpc.Client).close();
    });
  }
});
