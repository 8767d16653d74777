import assert from 'node:assert/strict';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { HeartbeatRequest, RegistryServiceDefinition } from '@gateway/proto/registry';
import { ServerError, Status } from 'nice-grpc';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { TokenTable } from '../auth/token-table.js';
import { rpcMetricsMiddleware } from '../metrics/rpc-metrics.js';
import { startGrpcServer, type GrpcServer } from './grpc-server.js';
import { bindService } from './service-binding.js';

const SERVICE = '/gateway.registry.v1.RegistryService';
const TOKEN = 'core-token-0123456789abcdef';
/** Field 1 as a length-delimited field of 255 bytes, with 1 byte present: not a message. */
const TRUNCATED = Buffer.from([0x0a, 0xff, 0x01, 0x41]);
/** A tag with wire type 7, which does not exist. */
const BAD_WIRE_TYPE = Buffer.from([0x0f, 0x01]);

type Outcome = { code: number; details: string };

const identity = (bytes: Buffer) => bytes;

describe('request bytes that are not a protobuf message of the request type', () => {
  let server: GrpcServer;
  let client: Client;
  const metrics = new Registry();
  const handled: string[] = [];

  const unary = (method: string, bytes: Buffer, token = TOKEN) =>
    new Promise<Outcome>((resolve) => {
      const metadata = new Metadata();
      if (token !== '') metadata.set('authorization', `Bearer ${token}`);
      client.makeUnaryRequest(
        `${SERVICE}/${method}`,
        identity,
        identity,
        bytes,
        metadata,
        (error: ServiceError | null) =>
          resolve(error ? { code: error.code, details: error.details } : { code: 0, details: '' }),
      );
    });

  beforeAll(async () => {
    const fail = () => {
      throw new ServerError(Status.UNIMPLEMENTED, 'not in this test');
    };
    const binding = bindService(
      RegistryServiceDefinition,
      {
        register: fail,
        heartbeat: (request) => {
          handled.push(`heartbeat ${request.instanceId}`);
          return Promise.resolve({});
        },
        deregister: fail,
        listInstances: fail,
        async *watchInstances(request) {
          handled.push(`watch ${request.group}`);
          yield* [];
          return Promise.resolve();
        },
      },
      {
        Register: [],
        Heartbeat: ['core'],
        Deregister: [],
        ListInstances: [],
        WatchInstances: ['core'],
      },
    );
    server = await startGrpcServer({
      listen: '127.0.0.1:0',
      logger: pino({ level: 'silent' }),
      tokens: TokenTable([{ name: 'gateway-core', role: 'core', secret: TOKEN }]),
      bindings: [binding],
      limits: { perSecond: 1_000, burst: 1_000, maxStreams: 10 },
      transport: {
        tls: undefined,
        maxReceiveMessageBytes: 1 << 20,
        maxConcurrentStreams: 100,
        maxUnauthenticatedStreams: 10,
        keepaliveTimeMs: 60_000,
        keepaliveTimeoutMs: 20_000,
        maxConnectionIdleMs: 0,
        maxConnectionAgeMs: 0,
        maxConnectionAgeGraceMs: 0,
      },
      callMetrics: rpcMetricsMiddleware(metrics),
    });
    client = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await server?.shutdown(5_000);
  });

  it('are answered INVALID_ARGUMENT naming the message type, never INTERNAL, and reach no handler', async () => {
    for (const bytes of [TRUNCATED, BAD_WIRE_TYPE]) {
      const outcome = await unary('Heartbeat', bytes);
      assert.deepEqual(outcome, {
        code: status.INVALID_ARGUMENT,
        details: 'request: not a valid gateway.registry.v1.HeartbeatRequest protobuf message',
      });
    }
    assert.deepEqual(handled, []);
    const valid = Buffer.from(HeartbeatRequest.encode({ instanceId: 'a/10.0.0.1/80' }).finish());
    assert.deepEqual(await unary('Heartbeat', valid), { code: status.OK, details: '' });
    assert.deepEqual(handled, ['heartbeat a/10.0.0.1/80']);
  });

  it('are refused only after authentication: without a token the answer is UNAUTHENTICATED', async () => {
    const outcome = await unary('Heartbeat', TRUNCATED, '');
    assert.equal(outcome.code, status.UNAUTHENTICATED);
  });

  it('on a server stream are answered INVALID_ARGUMENT before the stream opens', async () => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${TOKEN}`);
    const stream = client.makeServerStreamRequest(
      `${SERVICE}/WatchInstances`,
      identity,
      identity,
      TRUNCATED,
      metadata,
    );
    const outcome = await new Promise<Outcome>((resolve) => {
      stream.on('data', () => undefined);
      stream.on('error', (error: ServiceError) =>
        resolve({ code: error.code, details: error.details }),
      );
      stream.on('end', () => resolve({ code: 0, details: 'ended' }));
    });
    assert.deepEqual(outcome, {
      code: status.INVALID_ARGUMENT,
      details: 'request: not a valid gateway.registry.v1.WatchInstancesRequest protobuf message',
    });
    assert.ok(!handled.some((entry) => entry.startsWith('watch')));
  });

  it('to the public health and reflection services (no token) are answered INVALID_ARGUMENT too', async () => {
    const check = await new Promise<Outcome>((resolve) => {
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        identity,
        identity,
        BAD_WIRE_TYPE,
        new Metadata(),
        (error: ServiceError | null) =>
          resolve(error ? { code: error.code, details: error.details } : { code: 0, details: '' }),
      );
    });
    assert.deepEqual(check, {
      code: status.INVALID_ARGUMENT,
      details: 'request: not a valid grpc.health.v1.HealthCheckRequest protobuf message',
    });
    // A bidirectional stream: the first undecodable message ends it.
    const stream = client.makeBidiStreamRequest(
      '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
      identity,
      identity,
      new Metadata(),
    );
    const reflection = new Promise<Outcome>((resolve) => {
      stream.on('data', () => undefined);
      stream.on('error', (error: ServiceError) =>
        resolve({ code: error.code, details: error.details }),
      );
      stream.on('end', () => resolve({ code: 0, details: 'ended' }));
    });
    stream.write(TRUNCATED);
    assert.deepEqual(await reflection, {
      code: status.INVALID_ARGUMENT,
      details:
        'request: not a valid protobuf request message of grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
    });
  });

  it('are counted in the RPC metrics under INVALID_ARGUMENT', async () => {
    const counted = await metrics.getSingleMetric('gateway_grpc_server_handled_total')!.get();
    const byCode = (method: string, code: string) =>
      counted.values.find(
        (value) => value.labels['grpc_method'] === method && value.labels['grpc_code'] === code,
      )?.value ?? 0;
    assert.equal(byCode('Heartbeat', 'INVALID_ARGUMENT'), 2);
    assert.equal(byCode('WatchInstances', 'INVALID_ARGUMENT'), 1);
    assert.equal(byCode('Heartbeat', 'INTERNAL'), 0);
  });
});
