import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { StoredInstance } from '@gateway/shared';
import { startNginx, tempDir } from '@gateway/testkit';
import { checkRender } from '../src/render/render-guard.js';
import { renderUpstreams } from '../src/render/render-upstreams.js';

function instance(
  group: string,
  host: string,
  port: number,
  extra: Partial<StoredInstance['spec']> = {},
): StoredInstance {
  return {
    id: `${group}/${host}/${port}`,
    revision: 1,
    registerTime: 0,
    leaseMs: 15_000,
    fingerprint: 'x',
    spec: {
      group,
      host,
      port,
      weight: 1,
      backup: false,
      adminState: 'enabled',
      metadata: {},
      ...extra,
    },
  };
}

const SIZE_OK = { bytes: 100, maxBytes: 4_194_304 };

const SAMPLE = [
  instance('payments', '10.0.0.9', 9000, { weight: 3, maxFails: 2, failTimeoutSeconds: 30 }),
  instance('default', '2001:db8::1', 8081, { backup: true }),
  instance('default', '10.0.0.1', 8080, { weight: 5 }),
  instance('default', '10.0.0.1', 80, { adminState: 'draining' }),
  instance('include', 'core.example.internal', 7000),
];

describe('render: the upstream file', () => {
  it('is deterministic and sorted: same instances in any order, byte-identical output', () => {
    const one = renderUpstreams(SAMPLE);
    const two = renderUpstreams([...SAMPLE].reverse());
    assert.equal(one.content, two.content);
    assert.equal(one.hash, two.hash);
    assert.match(one.hash, /^[0-9a-f]{64}$/);
    assert.equal(one.servers, 5);
    assert.deepEqual(one.groups, ['default', 'include', 'payments']);
    assert.equal(
      one.content,
      [
        '# Rendered by gateway config-push from the registry (nginx:gateway:instances).',
        '# Do not edit: every push replaces this file. Include it in the http {} context.',
        '',
        'upstream gateway_backend {',
        '    server 10.0.0.1:80 weight=1 max_fails=1 fail_timeout=10s down;',
        '    server 10.0.0.1:8080 weight=5 max_fails=1 fail_timeout=10s;',
        '    server [2001:db8::1]:8081 weight=1 max_fails=1 fail_timeout=10s backup;',
        '}',
        '',
        'upstream gateway_include {',
        '    server core.example.internal:7000 weight=1 max_fails=1 fail_timeout=10s;',
        '}',
        '',
        'upstream gateway_payments {',
        '    server 10.0.0.9:9000 weight=3 max_fails=2 fail_timeout=30s;',
        '}',
        '',
        "# $gateway_upstream: the upstream of the request's X-Gateway-Group header (default: gateway_backend).",
        'map $http_x_gateway_group $gateway_upstream {',
        '    default gateway_backend;',
        '    \\include gateway_include;',
        '    payments gateway_payments;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('validates every entry again: an invalid spec or a colliding group is left out, never rendered', () => {
    const hostile = instance('default', '10.0.0.1;\n}\nserver { listen 80', 80);
    const heavy = instance('default', '10.0.0.2', 80, { weight: 1000 });
    const colliding = instance('backend', '10.0.0.3', 80);
    const rendered = renderUpstreams([
      hostile,
      heavy,
      colliding,
      instance('default', '10.0.0.4', 80),
    ]);
    assert.deepEqual(
      rendered.skipped.map((entry) => entry.id).sort(),
      [colliding.id, heavy.id, hostile.id].sort(),
    );
    assert.ok(!rendered.content.includes('listen'));
    assert.ok(!rendered.content.includes('10.0.0.2') && !rendered.content.includes('10.0.0.3'));
    assert.equal(rendered.servers, 1);
  });

  it('renders no upstream at all for no instances (and the guard refuses it, even forced)', () => {
    const empty = renderUpstreams([]);
    assert.equal(empty.servers, 0);
    assert.ok(!/upstream|map/.test(empty.content.replace(/^#.*$/gm, '')));
    assert.equal(
      checkRender({
        ...SIZE_OK,
        servers: 0,
        previousServers: 3,
        force: true,
        minShare: 0.5,
        minRemoved: 2,
      })?.kind,
      'all_instances_gone',
    );
    assert.equal(
      checkRender({
        ...SIZE_OK,
        servers: 0,
        previousServers: undefined,
        force: false,
        minShare: 0.5,
        minRemoved: 2,
      })?.kind,
      'all_instances_gone',
    );
  });

  it('the drop guard refuses a sudden drop below the floor unless forced', () => {
    const guard = (servers: number, previousServers: number | undefined, force = false) =>
      checkRender({ ...SIZE_OK, servers, previousServers, force, minShare: 0.5, minRemoved: 2 })
        ?.kind;
    assert.equal(guard(4, 10), 'drop_guard');
    assert.equal(guard(4, 10, true), undefined);
    assert.equal(guard(5, 10), undefined, 'exactly half is allowed');
    assert.equal(guard(1, 2), undefined, 'one server gone is below the minimum count');
    assert.equal(guard(1, 3), 'drop_guard');
    assert.equal(guard(12, 10), undefined);
    assert.equal(guard(1, undefined), undefined, 'the first render has nothing to compare with');
  });

  it('refuses a render larger than the nodes accept, even forced, naming size and limit', () => {
    const refusal = checkRender({
      servers: 3,
      previousServers: 3,
      force: true,
      minShare: 0.5,
      minRemoved: 2,
      bytes: 5_000,
      maxBytes: 4_096,
    });
    assert.equal(refusal?.kind, 'config_too_large');
    assert.match(refusal?.message ?? '', /5000 bytes.*4096 bytes/);
  });

  it('passes nginx -t on a real nginx that includes it, routing through $gateway_upstream', async () => {
    const dir = tempDir('render');
    const file = join(dir, 'gateway-upstreams.conf');
    writeFileSync(
      file,
      renderUpstreams(SAMPLE.filter((entry) => entry.spec.host !== 'core.example.internal'))
        .content,
    );
    const nginx = await startNginx({
      httpConfig: `include ${file};`,
      serverConfig:
        'location / { proxy_pass http://$gateway_upstream; }\nlocation /static { proxy_pass http://gateway_backend; }',
    });
    try {
      assert.equal(await nginx.testConfig(), undefined);
    } finally {
      await nginx.stop();
    }
  });
});
