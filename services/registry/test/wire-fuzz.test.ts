import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  AdminState,
  DeregisterRequest,
  HeartbeatRequest,
  ListInstancesRequest,
  RegisterRequest,
  WatchInstancesRequest,
} from '@gateway/proto/registry';
import { RedisKeys } from '@gateway/shared';
import {
  assertEveryAnswerWellFormed,
  FUZZ_LIMITS_ENV,
  fuzzEveryRpc,
  RawGrpcCaller,
  redisDigest,
  serviceEntry,
  servingStatus,
  startRedisServer,
  startServiceProcess,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  waitForQuietRedis,
  watchErrorLog,
  type ErrorLogWatch,
  type MessageShape,
  type RedisServerHandle,
  type RpcFuzzTarget,
  type ServiceProcess,
} from '@gateway/testkit';
import { registerRequestToSpec } from '../src/api/request-mapping.js';

const CASES = Number(process.env['WIRE_FUZZ_CASES'] ?? 10_000);
const SEED = Number(process.env['WIRE_FUZZ_SEED'] ?? 20261126);
/** Generous: on a shared, loaded machine the calls run far slower than their usual ~1 ms. */
const FUZZ_TIMEOUT_MS = 30 * 60_000;
const SERVICE = '/gateway.registry.v1.RegistryService';

const DURATION: MessageShape = { 1: 'varint', 2: 'varint' };
const INSTANCE_SPEC: MessageShape = {
  1: 'string',
  2: 'string',
  3: 'varint',
  4: 'varint',
  5: 'varint',
  6: DURATION,
  7: 'varint',
  8: 'varint',
  9: { 1: 'string', 2: 'string' },
};
const bytesOf = (encoded: { finish(): Uint8Array }) => Buffer.from(encoded.finish());
const VALID_SPEC = {
  group: 'payments',
  host: 'core-1.example.internal',
  port: 8080,
  weight: 5,
  maxFails: 2,
  failTimeout: { seconds: 30, nanos: 0 },
  backup: true,
  adminState: AdminState.ADMIN_STATE_DRAINING,
  metadata: { zone: 'eu-1', version: '1.2.3' },
};

/** Anything Register would accept, with the widest lease bounds: never sent (it would write). */
function registerAccepts(bytes: Buffer): boolean {
  try {
    registerRequestToSpec(RegisterRequest.decode(bytes), {
      defaultMs: 15_000,
      minMs: 0,
      maxMs: Number.MAX_SAFE_INTEGER,
    });
    return true;
  } catch {
    return false;
  }
}

const TARGETS: readonly RpcFuzzTarget[] = [
  {
    path: `${SERVICE}/Register`,
    shape: { 1: INSTANCE_SPEC, 2: DURATION },
    validSamples: [
      bytesOf(
        RegisterRequest.encode({ instance: VALID_SPEC, leaseDuration: { seconds: 20, nanos: 0 } }),
      ),
      bytesOf(
        RegisterRequest.encode({
          instance: { ...VALID_SPEC, host: '2001:db8::1', metadata: {}, failTimeout: undefined },
          leaseDuration: undefined,
        }),
      ),
    ],
    acceptedRequest: registerAccepts,
  },
  {
    path: `${SERVICE}/Heartbeat`,
    shape: { 1: 'string' },
    validSamples: [bytesOf(HeartbeatRequest.encode({ instanceId: 'payments/10.0.0.1/8080' }))],
  },
  {
    path: `${SERVICE}/Deregister`,
    shape: { 1: 'string' },
    validSamples: [bytesOf(DeregisterRequest.encode({ instanceId: 'default/2001:db8::1/80' }))],
  },
  {
    path: `${SERVICE}/ListInstances`,
    shape: { 1: 'string', 2: 'varint', 3: 'string' },
    validSamples: [
      bytesOf(ListInstancesRequest.encode({ group: 'default', pageSize: 10, pageToken: '' })),
      bytesOf(
        ListInstancesRequest.encode({
          group: '',
          pageSize: 0,
          pageToken: Buffer.from('{"after":"default/10.0.0.1/80","group":""}').toString(
            'base64url',
          ),
        }),
      ),
    ],
  },
  {
    path: `${SERVICE}/WatchInstances`,
    stream: true,
    shape: { 1: 'string', 2: 'varint' },
    validSamples: [
      bytesOf(WatchInstancesRequest.encode({ group: 'default', chunkedSnapshots: true })),
    ],
  },
];

/** Keys background loops rewrite on their own (the eviction run's self-preservation decision). */
const VOLATILE = new Set<string>([
  RedisKeys.instancesSelfPreservation,
  RedisKeys.instancesEvictionGrace,
]);

describe('RegistryService under a wire fuzzer', () => {
  let redis: RedisServerHandle;
  let registry: ServiceProcess;
  let errors: ErrorLogWatch;
  let caller: RawGrpcCaller;
  beforeAll(async () => {
    redis = await startRedisServer();
    registry = await startServiceProcess({
      name: 'registry',
      entry: serviceEntry('registry'),
      env: {
        REDIS_URL: redis.url,
        GATEWAY_TOKENS: TEST_TOKENS_ENV,
        LOG_LEVEL: 'warn',
        ...FUZZ_LIMITS_ENV,
      },
      timeoutMs: 90_000,
      onSpawn: (child) => (errors = watchErrorLog(child)),
    });
    caller = RawGrpcCaller(registry.address);
  });
  afterAll(async () => {
    caller?.close();
    await registry?.stop();
    await redis?.stop();
  });

  it(
    `answers ${CASES} malformed requests per RPC with well-formed statuses only, writes nothing and stays SERVING`,
    async () => {
      const before = await waitForQuietRedis(redis.client, (key) => VOLATILE.has(key), {
        quietMs: 2_000,
        timeoutMs: 60_000,
      });
      const revisionBefore = await redis.client.get(RedisKeys.instancesRevision);
      const reports = await fuzzEveryRpc(caller, TARGETS, {
        service: 'registry',
        cases: CASES,
        seed: SEED,
        token: TEST_TOKENS.admin,
      });
      assertEveryAnswerWellFormed(reports, CASES);
      assert.equal(registry.process.child.exitCode, null, 'the registry is still running');
      assert.deepEqual(errors.lines(), [], 'no crash, unhandled rejection or error in the log');
      const after = await redisDigest(redis.client, (key) => VOLATILE.has(key));
      assert.deepEqual(after, before, 'nothing written to Redis');
      assert.equal(await redis.client.get(RedisKeys.instancesRevision), revisionBefore);
      assert.equal(await servingStatus(registry.address), 'SERVING');
      console.log(
        `[figure] wire fuzz registry: ${reports.length} RPCs x ${CASES} cases, crashes 0, Redis keys ${after.keys} unchanged (revision ${revisionBefore ?? 'none'})`,
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
