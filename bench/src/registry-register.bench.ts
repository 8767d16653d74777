/**
 * Register throughput through the registry (gRPC + auth + validation + one Lua script)
 * against a floor measured in the same run on the same redis-server: the same Lua
 * script called directly with ioredis, at the same concurrency. The target is a
 * ratio, so it holds on a fast or a slow machine:
 *
 *   registry Register/s ≥ 0.06 × direct script calls/s   (and the same for Heartbeat)
 *
 * Run: npm run build && npm run -w @gateway/bench bench   (writes bench/results/registry.json)
 */
import { writeFileSync } from 'node:fs';
import { createChannel, createClient, Metadata } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  canonicalSpecJson,
  checkInstanceSpec,
  heartbeatInstanceScript,
  instanceId,
  RedisChannels,
  RedisKeys,
  epochSeed,
  registerInstanceKeys,
  registerInstanceScript,
  specFingerprint,
} from '@gateway/shared';
import { startRedisServer, startServiceProcess, serviceEntry } from '@gateway/testkit';

const CONCURRENCY = 32;
const OPERATIONS = 4_000;
const TARGET_RATIO = 0.06;
const TOKEN = 'core-token-for-the-benchmark';

async function rate(operations: number, run: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < operations) await run(next++);
    }),
  );
  return operations / ((performance.now() - started) / 1000);
}

const redis = await startRedisServer();
// The registry runs as its own process, as in production, so client and server do not share a core.
const registry = await startServiceProcess({
  name: 'registry',
  entry: serviceEntry('registry'),
  env: {
    REDIS_URL: redis.url,
    GATEWAY_TOKENS: `core:${TOKEN}`,
    LOG_LEVEL: 'warn',
    // This measures the Register path, not the per-token rate limit: lift it.
    GATEWAY_TOKEN_RATE: '1000000',
    GATEWAY_TOKEN_BURST: '1000000',
  },
});
const channel = createChannel(registry.address);
const client = createClient(RegistryServiceDefinition, channel, {
  '*': { metadata: Metadata({ authorization: `Bearer ${TOKEN}` }) },
});

const specFor = (group: string, i: number) =>
  checkInstanceSpec(
    {
      group,
      host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      port: 8080,
      weight: 1,
      backup: false,
      adminState: 'enabled',
      metadata: {},
    },
    'bench',
  );

// Warm up both paths (JIT, connections, script cache).
await rate(500, (i) =>
  client.register({ instance: { ...specFor('warm', i), failTimeout: undefined, adminState: 0 } }),
);

const floorRegister = await rate(OPERATIONS, (i) => {
  const spec = specFor('floor', i);
  const json = canonicalSpecJson(spec);
  // As the registry calls it for the token GATEWAY_TOKENS names core-1.
  return registerInstanceScript.run(redis.client, registerInstanceKeys(spec.group, 'core-1'), [
    instanceId(spec),
    json,
    specFingerprint(json),
    15_000,
    RedisChannels.instanceChanges,
    epochSeed(),
    'core-1',
    0,
    0,
  ]);
});
const registryRegister = await rate(OPERATIONS, (i) =>
  client.register({ instance: { ...specFor('served', i), failTimeout: undefined, adminState: 0 } }),
);
const floorHeartbeat = await rate(OPERATIONS, (i) =>
  heartbeatInstanceScript.run(
    redis.client,
    [RedisKeys.instances, RedisKeys.instanceLeases],
    [instanceId(specFor('floor', i)), 'core-1', 0],
  ),
);
const registryHeartbeat = await rate(OPERATIONS, (i) =>
  client.heartbeat({ instanceId: instanceId(specFor('served', i)) }),
);

channel.close();
await registry.stop();
await redis.stop();

const results = {
  date: new Date().toISOString(),
  concurrency: CONCURRENCY,
  operations: OPERATIONS,
  register: {
    floorPerSecond: Math.round(floorRegister),
    registryPerSecond: Math.round(registryRegister),
    ratio: registryRegister / floorRegister,
  },
  heartbeat: {
    floorPerSecond: Math.round(floorHeartbeat),
    registryPerSecond: Math.round(registryHeartbeat),
    ratio: registryHeartbeat / floorHeartbeat,
  },
  targetRatio: TARGET_RATIO,
};
writeFileSync(
  new URL('../../results/registry.json', import.meta.url),
  JSON.stringify(results, null, 2) + '\n',
);
console.log(JSON.stringify(results, null, 2));
const failed = [results.register, results.heartbeat].some((result) => result.ratio < TARGET_RATIO);
console.log(
  failed ? `FAIL: a ratio is below ${TARGET_RATIO}` : `ok: both ratios ≥ ${TARGET_RATIO}`,
);
process.exit(failed ? 1 : 0);
