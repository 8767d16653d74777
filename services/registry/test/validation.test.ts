import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Status } from 'nice-grpc';
import { RedisKeys } from '@gateway/shared';
import { spec, startRedisAndRegistry } from './support/registry-fixture.js';

const TEN_KB = 'a'.repeat(10 * 1024);

const badRegistrations: Array<{ name: string; request: Record<string, unknown>; field: string }> = [
  { name: 'port 0', request: { instance: spec({ port: 0 }) }, field: 'instance.port' },
  { name: 'port 70000', request: { instance: spec({ port: 70000 }) }, field: 'instance.port' },
  { name: 'weight 101', request: { instance: spec({ weight: 101 }) }, field: 'instance.weight' },
  {
    name: 'host with an nginx injection',
    request: { instance: spec({ host: '1.2.3.4; include /etc/passwd' }) },
    field: 'instance.host',
  },
  {
    name: 'host with a space',
    request: { instance: spec({ host: '1.2.3.4 backup' }) },
    field: 'instance.host',
  },
  {
    name: 'host with a brace',
    request: { instance: spec({ host: 'a{b' }) },
    field: 'instance.host',
  },
  {
    name: 'host with a quote',
    request: { instance: spec({ host: 'a"b' }) },
    field: 'instance.host',
  },
  {
    name: 'host with a new line',
    request: { instance: spec({ host: 'a\nb' }) },
    field: 'instance.host',
  },
  {
    name: 'host with a dollar',
    request: { instance: spec({ host: '$host' }) },
    field: 'instance.host',
  },
  {
    name: 'IPv6 in brackets',
    request: { instance: spec({ host: '[::1]' }) },
    field: 'instance.host',
  },
  {
    name: 'IPv6 with a zone',
    request: { instance: spec({ host: 'fe80::1%eth0' }) },
    field: 'instance.host',
  },
  {
    name: 'incomplete IPv4',
    request: { instance: spec({ host: '10.0.1' }) },
    field: 'instance.host',
  },
  { name: 'empty host', request: { instance: spec({ host: '' }) }, field: 'instance.host' },
  { name: 'empty group', request: { instance: spec({ group: '' }) }, field: 'instance.group' },
  {
    name: 'group with a semicolon',
    request: { instance: spec({ group: 'a;b' }) },
    field: 'instance.group',
  },
  {
    name: 'upper-case group',
    request: { instance: spec({ group: 'Payments' }) },
    field: 'instance.group',
  },
  { name: '10 KB group', request: { instance: spec({ group: TEN_KB }) }, field: 'instance.group' },
  { name: '10 KB host', request: { instance: spec({ host: TEN_KB }) }, field: 'instance.host' },
  {
    name: '10 KB metadata value',
    request: { instance: spec({ metadata: { owner: TEN_KB } }) },
    field: 'instance.metadata[owner]',
  },
  {
    name: '10 KB metadata key',
    request: { instance: spec({ metadata: { [TEN_KB]: 'x' } }) },
    field: 'instance.metadata',
  },
  {
    name: 'metadata with a new line',
    request: { instance: spec({ metadata: { owner: 'a\nb' } }) },
    field: 'instance.metadata[owner]',
  },
  {
    name: 'too many metadata entries',
    request: {
      instance: spec({
        metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
      }),
    },
    field: 'instance.metadata',
  },
  {
    name: 'unknown admin_state enum value',
    request: { instance: spec({ adminState: 7 }) },
    field: 'instance.admin_state',
  },
  {
    name: 'max_fails 101',
    request: { instance: spec({ maxFails: 101 }) },
    field: 'instance.max_fails',
  },
  {
    name: 'fail_timeout 0',
    request: { instance: spec({ failTimeout: { seconds: 0, nanos: 0 } }) },
    field: 'instance.fail_timeout',
  },
  {
    name: 'fail_timeout with a fraction',
    request: { instance: spec({ failTimeout: { seconds: 1, nanos: 500_000_000 } }) },
    field: 'instance.fail_timeout',
  },
  {
    name: 'lease too long',
    request: { instance: spec(), leaseDuration: { seconds: 100_000, nanos: 0 } },
    field: 'lease_duration',
  },
  { name: 'missing instance', request: {}, field: 'instance' },
];

describe('registry: bad input is INVALID_ARGUMENT naming the field, and writes nothing', () => {
  let env: Awaited<ReturnType<typeof startRedisAndRegistry>>;
  beforeAll(async () => {
    env = await startRedisAndRegistry();
  });
  afterAll(async () => {
    await env?.close();
  });

  for (const bad of badRegistrations) {
    it(`Register: ${bad.name}`, async () => {
      await assert.rejects(
        env.fixture.client.register(bad.request),
        (error: { code: number; details: string }) => {
          assert.equal(error.code, Status.INVALID_ARGUMENT, error.details);
          assert.ok(
            error.details.startsWith(`${bad.field}`),
            `"${error.details}" names ${bad.field}`,
          );
          assert.ok(
            error.details.length < 300,
            'the message stays short (no echo of huge input, no stack)',
          );
          assert.doesNotMatch(error.details, /\n\s+at /);
          return true;
        },
      );
      assert.equal(
        await env.redis.client.exists(
          RedisKeys.instances,
          RedisKeys.instanceLeases,
          RedisKeys.instancesRevision,
        ),
        0,
        'nothing written',
      );
    });
  }

  const badIds = [
    '',
    'no-slashes',
    'default/1.2.3.4/0',
    'default/1.2.3.4; include x/80',
    `default/${TEN_KB}/80`,
    'Default/1.2.3.4/80',
    'default/2001:DB8::1/80',
  ];
  for (const id of badIds) {
    it(`Heartbeat and Deregister: instance_id ${JSON.stringify(id.slice(0, 40))}`, async () => {
      for (const call of [
        env.fixture.client.heartbeat({ instanceId: id }),
        env.fixture.client.deregister({ instanceId: id }),
      ]) {
        await assert.rejects(call, (error: { code: number; details: string }) => {
          assert.equal(error.code, Status.INVALID_ARGUMENT);
          assert.ok(error.details.startsWith('instance_id'), error.details);
          return true;
        });
      }
    });
  }

  it('ListInstances: bad page_size, page_token and group', async () => {
    const client = env.fixture.client;
    await assert.rejects(client.listInstances({ group: '', pageSize: 5000, pageToken: '' }), {
      code: Status.INVALID_ARGUMENT,
      details: /^page_size/,
    });
    await assert.rejects(client.listInstances({ group: '', pageSize: -1, pageToken: '' }), {
      code: Status.INVALID_ARGUMENT,
      details: /^page_size/,
    });
    await assert.rejects(client.listInstances({ group: '', pageSize: 0, pageToken: 'garbage!' }), {
      code: Status.INVALID_ARGUMENT,
      details: /^page_token/,
    });
    await assert.rejects(client.listInstances({ group: 'a b', pageSize: 0, pageToken: '' }), {
      code: Status.INVALID_ARGUMENT,
      details: /^group/,
    });
  });

  it('accepts the edge values and normalizes them', async () => {
    const response = await env.fixture.client.register({
      instance: spec({
        group: 'edge_case-1',
        host: 'Core-1.Example.Internal.',
        port: 65535,
        weight: 100,
        maxFails: 0,
        failTimeout: { seconds: 3600, nanos: 0 },
      }),
    });
    assert.equal(response.instance!.id, 'edge_case-1/core-1.example.internal/65535');
    await env.fixture.client.deregister({ instanceId: response.instance!.id });
  });
});
