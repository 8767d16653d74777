import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  GetPushStatusRequest,
  PushNowRequest,
  RenderConfigRequest,
  StreamRenderConfigRequest,
  WatchPushesRequest,
} from '@gateway/proto/configpush';
import { normalizeNodeIp, RedisKeys } from '@gateway/shared';
import {
  APPLY_SCRIPT,
  CONFIG_PUSH_TEST_TIMINGS,
  assertEveryAnswerWellFormed,
  FUZZ_LIMITS_ENV,
  fuzzEveryRpc,
  generateSshKey,
  RawGrpcCaller,
  redisDigest,
  serviceEntry,
  servingStatus,
  startRedisServer,
  startServiceProcess,
  tempDir,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  waitFor,
  waitForQuietRedis,
  watchErrorLog,
  type ErrorLogWatch,
  type RedisServerHandle,
  type RpcFuzzTarget,
  type ServiceProcess,
} from '@gateway/testkit';

const CASES = Number(process.env['WIRE_FUZZ_CASES'] ?? 10_000);
const SEED = Number(process.env['WIRE_FUZZ_SEED'] ?? 20261126);
/** Generous: on a shared, loaded machine the calls run far slower than their usual ~1 ms. */
const FUZZ_TIMEOUT_MS = 30 * 60_000;
const SERVICE = '/gateway.configpush.v1.ConfigPushService';
const bytesOf = (encoded: { finish(): Uint8Array }) => Buffer.from(encoded.finish());

/** PushNow with no node or a valid node ip would push (or answer NOT_FOUND): never sent. */
function pushNowAccepts(bytes: Buffer): boolean {
  try {
    const { nodeIp } = PushNowRequest.decode(bytes);
    if (nodeIp !== '') normalizeNodeIp('node_ip', nodeIp);
    return true;
  } catch {
    return false;
  }
}

const TARGETS: readonly RpcFuzzTarget[] = [
  {
    path: `${SERVICE}/RenderConfig`,
    shape: {},
    validSamples: [bytesOf(RenderConfigRequest.encode({}))],
  },
  {
    path: `${SERVICE}/StreamRenderConfig`,
    stream: true,
    shape: { 1: 'varint' },
    validSamples: [
      bytesOf(StreamRenderConfigRequest.encode({ chunkSize: 0 })),
      bytesOf(StreamRenderConfigRequest.encode({ chunkSize: 65_536 })),
    ],
  },
  {
    path: `${SERVICE}/PushNow`,
    shape: { 1: 'varint', 2: 'string' },
    validSamples: [bytesOf(PushNowRequest.encode({ force: true, nodeIp: '10.0.0.7' }))],
    acceptedRequest: pushNowAccepts,
  },
  {
    path: `${SERVICE}/GetPushStatus`,
    shape: {},
    validSamples: [bytesOf(GetPushStatusRequest.encode({}))],
  },
  {
    path: `${SERVICE}/WatchPushes`,
    stream: true,
    shape: {},
    validSamples: [bytesOf(WatchPushesRequest.encode({}))],
  },
];

/** The push lease, renewed by the lease holder on its own. */
const volatile = (key: string) => key === RedisKeys.pushLeader;

describe('ConfigPushService under a wire fuzzer', () => {
  let redis: RedisServerHandle;
  let push: ServiceProcess;
  let errors: ErrorLogWatch;
  let caller: RawGrpcCaller;
  beforeAll(async () => {
    redis = await startRedisServer();
    const key = generateSshKey();
    push = await startServiceProcess({
      name: 'config-push',
      entry: serviceEntry('config-push'),
      env: {
        REDIS_URL: redis.url,
        GATEWAY_TOKENS: TEST_TOKENS_ENV,
        LOG_LEVEL: 'warn',
        ...FUZZ_LIMITS_ENV,
        CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: key.privateKeyPath,
        CONFIG_PUSH_KNOWN_HOSTS_FILE: join(tempDir('known-hosts'), 'known_hosts'),
        CONFIG_PUSH_REMOTE_COMMAND: APPLY_SCRIPT,
        ...CONFIG_PUSH_TEST_TIMINGS,
      },
      timeoutMs: 90_000,
      onSpawn: (child) => (errors = watchErrorLog(child)),
    });
    // The replica takes the push lease before the fuzzing, so PushNow reaches the pusher.
    await waitFor(
      'config-push to hold the push lease',
      async () => (await redis.client.get(RedisKeys.pushLeader)) !== null,
      {
        timeoutMs: 30_000,
      },
    );
    caller = RawGrpcCaller(push.address);
  });
  afterAll(async () => {
    caller?.close();
    await push?.stop();
    await redis?.stop();
  });

  it(
    `answers ${CASES} malformed requests per RPC with well-formed statuses only, writes nothing and stays SERVING`,
    async () => {
      const before = await waitForQuietRedis(redis.client, volatile, {
        quietMs: 2_000,
        timeoutMs: 60_000,
      });
      const reports = await fuzzEveryRpc(caller, TARGETS, {
        service: 'config-push',
        cases: CASES,
        seed: SEED,
        token: TEST_TOKENS.admin,
      });
      assertEveryAnswerWellFormed(reports, CASES);
      assert.equal(push.process.child.exitCode, null, 'config-push is still running');
      assert.deepEqual(errors.lines(), [], 'no crash, unhandled rejection or error in the log');
      const after = await redisDigest(redis.client, volatile);
      assert.deepEqual(after, before, 'nothing written to Redis');
      assert.equal(await servingStatus(push.address), 'SERVING');
      console.log(
        `[figure] wire fuzz config-push: ${reports.length} RPCs x ${CASES} cases, crashes 0, Redis keys ${after.keys} unchanged`,
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
