import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { renderUpstreams } from './render-upstreams.js';
import { RENDER_CHUNK_BYTES } from './upstream-render.js';
import { RENDER_SAMPLE, storedInstance as instance } from './stored-instance.fixture.js';

describe('render: the upstream file', () => {
  it('is deterministic and sorted: same instances in any order, byte-identical output', () => {
    const one = renderUpstreams(RENDER_SAMPLE);
    const two = renderUpstreams([...RENDER_SAMPLE].reverse());
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

  it('renders no upstream and no map for no instances', () => {
    const empty = renderUpstreams([]);
    assert.equal(empty.servers, 0);
    assert.deepEqual(empty.groups, []);
    assert.ok(!/upstream|map/.test(empty.content.replace(/^#.*$/gm, '')));
  });

  it('never renders a line outside the upstream grammar, whatever the instances hold', () => {
    const text = fc.string({ unit: 'binary-ascii', maxLength: 40 });
    const hostile = fc.oneof(
      text,
      fc.constantFrom(
        '10.0.0.1;\n}\nserver { listen 80',
        'a.example;',
        '{',
        '}',
        'x\r\ny',
        '[::1]',
      ),
    );
    const entry = fc.record({
      group: fc.oneof(fc.constantFrom('default', 'payments', 'include', 'backend'), hostile),
      host: fc.oneof(fc.constantFrom('10.0.0.1', '2001:db8::1', 'core.example.internal'), hostile),
      port: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.integer()),
      weight: fc.integer({ min: -5, max: 200 }),
      backup: fc.boolean(),
      draining: fc.boolean(),
      metadata: fc.dictionary(hostile, hostile, { maxKeys: 3 }),
    });
    const allowed = [
      /^# [^\n]*$/,
      /^$/,
      /^upstream gateway_[a-z0-9_-]+ \{$/,
      /^ {4}server (?:[0-9.]+|\[[0-9a-f:.]+\]|[a-z0-9.-]+):\d{1,5} weight=\d{1,3} max_fails=\d{1,3} fail_timeout=\d{1,4}s(?: backup)?(?: down)?;$/,
      /^\}$/,
      /^map \$http_x_gateway_group \$gateway_upstream \{$/,
      /^ {4}(?:default|\\?[a-z0-9_-]+) gateway_[a-z0-9_-]+;$/,
    ];
    let renderedServers = 0;
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
        const rendered = renderUpstreams(
          entries.map((raw, index) =>
            instance(
              raw.group,
              raw.host,
              raw.port,
              {
                weight: raw.weight,
                backup: raw.backup,
                adminState: raw.draining ? 'draining' : 'enabled',
                metadata: raw.metadata,
              },
              `i${index}`,
            ),
          ),
        );
        for (const line of rendered.content.split('\n')) {
          assert.ok(
            allowed.some((pattern) => pattern.test(line)),
            `unexpected line ${JSON.stringify(line)}`,
          );
        }
        assert.equal(rendered.servers + rendered.skipped.length, entries.length);
        renderedServers += rendered.servers;
      }),
    );
    assert.ok(renderedServers > 0, 'some generated instances were valid and rendered');
  });

  it('writes a large render as chunks cut between lines, hashed as one file', () => {
    const instances = Array.from({ length: 4_000 }, (_, i) =>
      instance(`g${i % 9}`, `10.2.${i >> 8}.${i & 255}`, 8000 + (i % 50)),
    );
    const rendered = renderUpstreams(instances);
    assert.ok(rendered.chunks.length > 1, `${rendered.chunks.length} chunks`);
    assert.equal(Buffer.concat(rendered.chunks).toString('utf8'), rendered.content);
    assert.equal(rendered.bytes, Buffer.byteLength(rendered.content));
    assert.equal(rendered.hash, createHash('sha256').update(rendered.content).digest('hex'));
    for (const chunk of rendered.chunks.slice(1)) assert.equal(chunk[0], 0x0a, 'starts a line');
    assert.ok(rendered.chunks.every((chunk) => chunk.length <= RENDER_CHUNK_BYTES + 200));
  });
});
