import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  AddNodeRequest,
  FailureKind,
  GetNodeRequest,
  ListNodesRequest,
  ProbeNowRequest,
  RemoveNodeRequest,
  ReportSuspectRequest,
  UpdateNodeRequest,
  WatchNodesRequest,
  type NodeSpec,
} from '@gateway/proto/health';
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
import { nodeSpecFromProto, suspectReportFromProto } from '../src/api/request-mapping.js';

const CASES = Number(process.env['WIRE_FUZZ_CASES'] ?? 10_000);
const SEED = Number(process.env['WIRE_FUZZ_SEED'] ?? 20261126);
/** Generous: on a shared, loaded machine the calls run far slower than their usual ~1 ms. */
const FUZZ_TIMEOUT_MS = 30 * 60_000;
const SERVICE = '/gateway.health.v1.NodeHealthService';

const NODE_SPEC: MessageShape = {
  1: 'string',
  2: 'string',
  3: { 1: 'string', 2: 'varint', 3: 'string', 4: 'string' },
  4: 'string',
  5: 'string',
};
const NODE: NodeSpec = {
  ip: '10.0.0.7',
  healthUrl: 'http://10.0.0.7:8080/healthz',
  ssh: {
    host: 'node-7.example',
    port: 2222,
    user: 'gwpush',
    hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1',
  },
  configPath: '/etc/nginx/conf.d/gateway-upstreams.conf',
  label: 'edge 7',
};
const bytesOf = (encoded: { finish(): Uint8Array }) => Buffer.from(encoded.finish());
const accepts = (validate: () => unknown) => {
  try {
    validate();
    return true;
  } catch {
    return false;
  }
};

const TARGETS: readonly RpcFuzzTarget[] = [
  {
    path: `${SERVICE}/AddNode`,
    shape: { 1: NODE_SPEC },
    validSamples: [bytesOf(AddNodeRequest.encode({ node: NODE }))],
    // A valid node would be added: never sent.
    acceptedRequest: (bytes) => accepts(() => nodeSpecFromProto(AddNodeRequest.decode(bytes).node)),
  },
  {
    // A valid node is not in the (empty) inventory: NOT_FOUND, nothing written.
    path: `${SERVICE}/UpdateNode`,
    shape: { 1: NODE_SPEC },
    validSamples: [
      bytesOf(UpdateNodeRequest.encode({ node: { ...NODE, ip: '2001:db8::7', healthUrl: '' } })),
    ],
  },
  {
    path: `${SERVICE}/RemoveNode`,
    shape: { 1: 'string' },
    validSamples: [bytesOf(RemoveNodeRequest.encode({ ip: '10.0.0.7' }))],
  },
  {
    path: `${SERVICE}/ListNodes`,
    shape: {},
    validSamples: [bytesOf(ListNodesRequest.encode({}))],
  },
  {
    path: `${SERVICE}/GetNode`,
    shape: { 1: 'string' },
    validSamples: [bytesOf(GetNodeRequest.encode({ ip: '2001:db8::7' }))],
  },
  {
    path: `${SERVICE}/WatchNodes`,
    stream: true,
    shape: { 1: 'varint' },
    validSamples: [bytesOf(WatchNodesRequest.encode({ chunkedSnapshots: true }))],
  },
  {
    path: `${SERVICE}/ReportSuspect`,
    shape: { 1: 'string', 2: 'string', 3: 'varint', 4: 'varint' },
    validSamples: [
      bytesOf(
        ReportSuspectRequest.encode({
          reporter: 'core-1',
          target: '10.0.0.7',
          failureKind: FailureKind.FAILURE_KIND_TIMEOUT,
          consecutiveFailures: 3,
        }),
      ),
    ],
    // A valid report starts or joins a probe round and counts against the rate limit: never sent.
    acceptedRequest: (bytes) =>
      accepts(() => suspectReportFromProto(ReportSuspectRequest.decode(bytes))),
  },
  {
    path: `${SERVICE}/ProbeNow`,
    shape: { 1: 'string' },
    validSamples: [bytesOf(ProbeNowRequest.encode({ ip: '10.0.0.7' }))],
    // No ip probes every node (a round that records its results): never sent. A valid ip
    // that is no node is refused as INVALID_ARGUMENT.
    acceptedRequest: (bytes) => {
      try {
        return ProbeNowRequest.decode(bytes).ip === '';
      } catch {
        return false;
      }
    },
  },
];

/** Keys background loops rewrite on their own (the periodic probe round's claim). */
const volatile = (key: string) =>
  key === RedisKeys.healthPollClaim || key.startsWith('nginx:gateway:health:confirm:');

describe('NodeHealthService under a wire fuzzer', () => {
  let redis: RedisServerHandle;
  let health: ServiceProcess;
  let errors: ErrorLogWatch;
  let caller: RawGrpcCaller;
  beforeAll(async () => {
    redis = await startRedisServer();
    health = await startServiceProcess({
      name: 'health',
      entry: serviceEntry('health'),
      env: {
        REDIS_URL: redis.url,
        GATEWAY_TOKENS: TEST_TOKENS_ENV,
        LOG_LEVEL: 'warn',
        ...FUZZ_LIMITS_ENV,
      },
      timeoutMs: 90_000,
      onSpawn: (child) => (errors = watchErrorLog(child)),
    });
    caller = RawGrpcCaller(health.address);
  });
  afterAll(async () => {
    caller?.close();
    await health?.stop();
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
        service: 'health',
        cases: CASES,
        seed: SEED,
        token: TEST_TOKENS.admin,
      });
      assertEveryAnswerWellFormed(reports, CASES);
      assert.equal(health.process.child.exitCode, null, 'the health service is still running');
      assert.deepEqual(errors.lines(), [], 'no crash, unhandled rejection or error in the log');
      const after = await redisDigest(redis.client, volatile);
      assert.deepEqual(after, before, 'nothing written to Redis');
      assert.equal(await redis.client.hlen(RedisKeys.nodes), 0, 'no node added');
      assert.equal(await servingStatus(health.address), 'SERVING');
      console.log(
        `[figure] wire fuzz health: ${reports.length} RPCs x ${CASES} cases, crashes 0, Redis keys ${after.keys} unchanged`,
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
