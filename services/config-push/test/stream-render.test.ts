import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient, Status, type Channel } from 'nice-grpc';
import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import {
  canonicalSpecJson,
  checkInstanceSpec,
  epochSeed,
  instanceId,
  RedisChannels,
  registerInstanceKeys,
  registerInstanceScript,
  specFingerprint,
  type InstanceSpecData,
} from '@gateway/shared';
import {
  APPLY_SCRIPT,
  bearer,
  CONFIG_PUSH_TEST_TIMINGS,
  generateSshKey,
  REPO_ROOT,
  serviceEntry,
  startRedisServer,
  startServiceProcess,
  tempDir,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  type RedisServerHandle,
  type ServiceProcess,
} from '@gateway/testkit';

/** grpc's default receive limit of a client: the render must not fit in one message. */
const DEFAULT_CLIENT_LIMIT = 4 * 1024 * 1024;
const INSTANCES = 18_000;
const MIB = 1024 * 1024;

/** A valid host of about 200 characters: each server line is about 250 bytes. */
function specFor(i: number): InstanceSpecData {
  const label = (letter: string) => `${letter}${String(i).padStart(6, '0')}`.padEnd(60, letter);
  return checkInstanceSpec(
    {
      group: `svc-${i % 20}`,
      host: `${label('a')}.${label('b')}.${label('c')}.example`,
      port: 8080,
      weight: 1,
      backup: false,
      adminState: 'enabled',
      metadata: {},
    },
    'test',
  );
}

/** Register's arguments for instance `i` (its stored entry, index, revision and change message). */
function registerArguments(i: number): Array<string | number> {
  const spec = specFor(i);
  const json = canonicalSpecJson(spec);
  return [
    instanceId(spec),
    json,
    specFingerprint(json),
    3_600_000,
    RedisChannels.instanceChanges,
    epochSeed(),
    'loader',
    1,
    0,
  ];
}

/** Writes the instances straight through the registry's Lua script (as Register writes them). */
async function writeInstances(redis: RedisServerHandle): Promise<void> {
  const keysOf = (i: number) => registerInstanceKeys(specFor(i).group, 'loader');
  await registerInstanceScript.run(redis.client, keysOf(0), registerArguments(0));
  for (let start = 1; start < INSTANCES; start += 500) {
    const pipeline = redis.client.pipeline();
    for (let i = start; i < Math.min(start + 500, INSTANCES); i++) {
      const keys = keysOf(i);
      pipeline.evalsha(registerInstanceScript.sha1, keys.length, ...keys, ...registerArguments(i));
    }
    const replies = (await pipeline.exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
  }
}

describe('StreamRenderConfig: a render over the 4 MiB a default client accepts', () => {
  let redis: RedisServerHandle;
  let push: ServiceProcess;
  let channel: Channel;
  beforeAll(async () => {
    redis = await startRedisServer();
    await writeInstances(redis);
    const key = generateSshKey();
    push = await startServiceProcess({
      name: 'config-push',
      entry: serviceEntry('config-push'),
      env: {
        REDIS_URL: redis.url,
        GATEWAY_TOKENS: TEST_TOKENS_ENV,
        LOG_LEVEL: 'warn',
        CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: key.privateKeyPath,
        CONFIG_PUSH_KNOWN_HOSTS_FILE: join(tempDir('known-hosts'), 'known_hosts'),
        CONFIG_PUSH_REMOTE_COMMAND: APPLY_SCRIPT,
        // Nodes that accept the render: no refusal for its size.
        CONFIG_PUSH_NODE_MAX_BYTES: String(16 * MIB),
        ...CONFIG_PUSH_TEST_TIMINGS,
      },
      timeoutMs: 90_000,
    });
    // A client with grpc's default limits: it cannot receive one message over 4 MiB.
    channel = createChannel(push.address);
  }, 120_000);
  afterAll(async () => {
    channel?.close();
    await push?.stop();
    await redis?.stop();
  });

  const client = () => createClient(ConfigPushServiceDefinition, channel);
  const admin = { ...bearer(TEST_TOKENS.admin), signal: AbortSignal.timeout(60_000) };

  it('sends the whole file in chunks of at most 1 MiB, each with the revision, size and hash of the file', async () => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const seen = new Set<string>();
    let received = 0;
    let messages = 0;
    let size = -1;
    for await (const message of client().streamRenderConfig({ chunkSize: 0 }, admin)) {
      messages += 1;
      assert.ok(message.contentChunk.length <= MIB, 'no chunk over 1 MiB');
      assert.equal(message.offset, received, 'chunks arrive in order, each where the last ended');
      received += message.contentChunk.length;
      size = message.contentSize;
      seen.add(`${message.revision} ${message.contentHash} ${message.contentSize}`);
      chunks.push(Buffer.from(message.contentChunk));
      if (messages > 1) assert.deepEqual(message.refusals, []);
    }
    const file = Buffer.concat(chunks);
    assert.equal(seen.size, 1, 'every message names the same revision, hash and size');
    const [revision, hash] = [...seen][0].split(' ');
    assert.ok(file.length > DEFAULT_CLIENT_LIMIT, `the render is ${file.length} bytes`);
    assert.equal(file.length, size);
    assert.equal(createHash('sha256').update(file).digest('hex'), hash);
    assert.ok(Number(revision) >= INSTANCES);
    const text = file.toString('utf8');
    assert.equal((text.match(/^ {4}server /gm) ?? []).length, INSTANCES, 'every instance rendered');
    assert.ok(text.includes(`    server ${specFor(INSTANCES - 1).host}:8080 `));
    console.log(
      `[figure] StreamRenderConfig: ${INSTANCES} instances, ${file.length} bytes in ${messages} messages, ${Math.round(performance.now() - started)} ms`,
    );
  });

  it('sends smaller chunks when asked, and the same file', async () => {
    const sizes: number[] = [];
    const hash = createHash('sha256');
    let expected = '';
    for await (const message of client().streamRenderConfig({ chunkSize: 100_000 }, admin)) {
      sizes.push(message.contentChunk.length);
      hash.update(message.contentChunk);
      expected = message.contentHash;
    }
    assert.ok(Math.max(...sizes) <= 100_000);
    assert.equal(hash.digest('hex'), expected);
  });

  it('RenderConfig refuses the render with RESOURCE_EXHAUSTED naming StreamRenderConfig, never a cut file', async () => {
    await assert.rejects(
      client().renderConfig({}, admin),
      (error: unknown) =>
        error instanceof Error &&
        'code' in error &&
        error.code === Status.RESOURCE_EXHAUSTED &&
        /StreamRenderConfig/.test(error.message),
    );
  });

  it('gatewayctl render writes the whole file, through StreamRenderConfig', async () => {
    let hash = '';
    for await (const message of client().streamRenderConfig({}, admin)) hash = message.contentHash;
    const out = join(tempDir('stream-render-cli'), 'upstreams.conf');
    const run = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'cli', 'dist', 'src', 'main.js'), 'render', '--out', out],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          GATEWAY_CONFIG_PUSH: push.address,
          GATEWAY_TOKEN: TEST_TOKENS.admin,
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const file = readFileSync(out);
    assert.ok(file.length > DEFAULT_CLIENT_LIMIT);
    assert.equal(createHash('sha256').update(file).digest('hex'), hash);
  });

  it('refuses a chunk_size over 1 MiB or below 0 with INVALID_ARGUMENT naming the field', async () => {
    for (const chunkSize of [MIB + 1, -1]) {
      await assert.rejects(
        (async () => {
          for await (const _ of client().streamRenderConfig({ chunkSize }, admin));
        })(),
        (error: unknown) =>
          error instanceof Error &&
          'code' in error &&
          error.code === Status.INVALID_ARGUMENT &&
          /chunk_size/.test(error.message),
      );
    }
  });

  it('refuses a caller without a token, and one whose role is not admin', async () => {
    const call = async (token: string | undefined) => {
      for await (const _ of client().streamRenderConfig(
        {},
        {
          ...(token === undefined ? {} : bearer(token)),
          signal: AbortSignal.timeout(30_000),
        },
      ));
    };
    await assert.rejects(
      call(undefined),
      (error: unknown) =>
        error instanceof Error && 'code' in error && error.code === Status.UNAUTHENTICATED,
    );
    await assert.rejects(
      call(TEST_TOKENS.core),
      (error: unknown) =>
        error instanceof Error && 'code' in error && error.code === Status.PERMISSION_DENIED,
    );
  });
});
