import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { GrpcReflection } from 'grpc-js-reflection-client';
import { ClientError, createClient, Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { spec, startRedisAndRegistry } from './support/registry-fixture.js';

const MAX_UNAUTHENTICATED = 3;
const MAX_RECEIVE = 16 * 1024;
const MAX_STREAMS = 50;

/** Sends one gRPC frame header announcing `announced` bytes plus a few, never ends; resolves with the status. */
async function announceOversizedMessage(
  session: ClientHttp2Session,
  path: string,
  announced: number,
): Promise<{ status: string | undefined; message: string | undefined; bytesSent: number }> {
  const stream = session.request({
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(announced, 1);
  const sent = Buffer.concat([prefix, Buffer.alloc(16, 0x0a)]);
  stream.write(sent);
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no status within 5 s')), 5_000);
    const done = (headers: IncomingHttpHeaders) => {
      if (headers['grpc-status'] === undefined) return;
      clearTimeout(timer);
      stream.close();
      resolve({
        status: String(headers['grpc-status']),
        message:
          headers['grpc-message'] === undefined
            ? undefined
            : decodeURIComponent(String(headers['grpc-message'])),
        bytesSent: sent.length,
      });
    };
    stream.on('response', done);
    stream.on('trailers', done);
    stream.on('data', () => undefined);
    stream.on('error', reject);
  });
}

/**
 * The transport limits every service's gRPC server enforces (shared/src/grpc), seen from a
 * client of the registry: request size bounded on the length prefix, the HTTP/2
 * concurrent-stream limit, and the cap on streams that need no token.
 */
describe('registry: transport limits', { timeout: 60_000 }, () => {
  let env: Awaited<ReturnType<typeof startRedisAndRegistry>>;
  beforeAll(async () => {
    env = await startRedisAndRegistry({
      GRPC_MAX_UNAUTHENTICATED_STREAMS: String(MAX_UNAUTHENTICATED),
      GRPC_MAX_RECEIVE_MESSAGE_BYTES: String(MAX_RECEIVE),
      GRPC_MAX_CONCURRENT_STREAMS: String(MAX_STREAMS),
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a request whose length prefix exceeds the bound is refused RESOURCE_EXHAUSTED on the prefix, before its body, before any token check', async () => {
    const session = connect(`http://${env.fixture.address}`);
    try {
      const [settings] = (await once(session, 'remoteSettings')) as [
        { maxConcurrentStreams?: number },
      ];
      assert.equal(
        settings.maxConcurrentStreams,
        MAX_STREAMS,
        'HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS',
      );
      const keysBefore = await env.redis.client.dbsize();
      const started = performance.now();
      const answer = await announceOversizedMessage(
        session,
        '/gateway.registry.v1.RegistryService/Register',
        64 * 1024 * 1024,
      );
      const tookMs = performance.now() - started;
      console.log(
        `[figure] 64 MiB announced, ${answer.bytesSent} bytes sent: status ${answer.status} after ${tookMs.toFixed(1)} ms`,
      );
      assert.equal(answer.status, String(Status.RESOURCE_EXHAUSTED), answer.message);
      assert.match(answer.message ?? '', /larger than max/);
      assert.equal(await env.redis.client.dbsize(), keysBefore, 'nothing written');
    } finally {
      session.close();
    }
  });

  it('a request just under the bound is decoded and validated; one over it is RESOURCE_EXHAUSTED', async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`k${i}`, 'v'.repeat(1_000)]),
    );
    await assert.rejects(
      env.fixture.client.register({ instance: spec({ metadata }) }),
      (error: unknown) => error instanceof ClientError && error.code === Status.INVALID_ARGUMENT,
    );
    const oversized = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'.repeat(1_000)]),
    );
    await assert.rejects(
      env.fixture.client.register({ instance: spec({ metadata: oversized }) }),
      (error: unknown) => error instanceof ClientError && error.code === Status.RESOURCE_EXHAUSTED,
    );
  });

  it('health Watch and reflection streams, open to anyone, are capped: above the cap RESOURCE_EXHAUSTED, authenticated calls unaffected, room again once one ends', async () => {
    const health = createClient(HealthDefinition, env.fixture.channel);
    const watches = Array.from({ length: MAX_UNAUTHENTICATED }, () => {
      const abort = new AbortController();
      const iterator = health
        .watch({ service: '' }, { signal: abort.signal })
        [Symbol.asyncIterator]();
      return { abort, iterator };
    });
    try {
      for (const watch of watches) assert.ok((await watch.iterator.next()).value, 'first status');

      const extra = health.watch({ service: '' })[Symbol.asyncIterator]();
      await assert.rejects(
        extra.next(),
        (error: unknown) =>
          error instanceof ClientError && error.code === Status.RESOURCE_EXHAUSTED,
      );
      const reflection = new GrpcReflection(
        env.fixture.address,
        grpc.credentials.createInsecure(),
        {},
        'v1',
      );
      await assert.rejects(reflection.listServices(), /RESOURCE_EXHAUSTED|8 /);
      // Health.Check (unary) and the token-checked service are not limited by the cap.
      assert.ok(await health.check({ service: '' }));
      await env.fixture.client.listInstances({ group: 'default' });

      watches.pop()!.abort.abort();
      let services: string[] = [];
      const ended = performance.now();
      await waitUntil(async () => {
        services = await reflection.listServices().catch(() => []);
        return services.length > 0;
      });
      console.log(
        `[figure] a capped stream slot was free again ${(performance.now() - ended).toFixed(0)} ms after a watch ended`,
      );
      assert.ok(services.includes('gateway.registry.v1.RegistryService'));
    } finally {
      for (const watch of watches) watch.abort.abort();
    }
  });
});

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('not within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
