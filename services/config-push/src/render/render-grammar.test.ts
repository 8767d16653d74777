import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { checkRenderGrammar } from './render-grammar.js';
import { renderUpstreams } from './render-upstreams.js';
import { storedInstance as instance } from './stored-instance.fixture.js';

describe('the renderer writes only what the nodes accept', () => {
  it('every render of IPv4, IPv6 and DNS hosts, every parameter and escaped map keys is in the grammar', () => {
    const hosts = [
      '10.0.0.1',
      '2001:DB8::1',
      '::ffff:10.0.0.1',
      'Core.Example.',
      `${'l'.repeat(63)}.x`,
    ];
    const groups = [
      'default',
      'include',
      'hostnames',
      'volatile',
      'a',
      '0',
      'x_y-z',
      'g'.repeat(63),
    ];
    const instances = groups.flatMap((group, g) =>
      hosts.map((host, h) =>
        instance(group, host, 1 + g * 10 + h, {
          weight: 100,
          maxFails: h % 2 ? 0 : 100,
          failTimeoutSeconds: h % 2 ? 1 : 3600,
          backup: h === 3,
          adminState: h === 4 ? 'draining' : 'enabled',
        }),
      ),
    );
    const render = renderUpstreams(instances);
    assert.deepEqual(render.skipped, []);
    assert.equal(render.servers, instances.length);
    assert.equal(checkRenderGrammar(render.content), undefined);
    assert.equal(checkRenderGrammar(renderUpstreams(instances.slice(0, 1)).content), undefined);
  });

  it('refuses directives, extra parameters, sockets, unescaped map keywords and open blocks, naming the line', () => {
    const server = '    server 10.0.0.1:80 weight=1 max_fails=1 fail_timeout=10s;';
    const cases: Array<[string, number]> = [
      ['access_log /etc/cron.d/x;\n', 1],
      ['# ok\ninclude /etc/shadow;\n', 2],
      ['load_module /tmp/x.so;\n', 1],
      [`upstream gateway_backend {\n${server} access_log /x;\n}\n`, 2],
      [
        `upstream gateway_backend {\n    server unix:80 weight=1 max_fails=1 fail_timeout=10s;\n}\n`,
        2,
      ],
      [
        `upstream gateway_backend {\n${server}\n}\nmap $http_x_gateway_group $gateway_upstream {\n    include gateway_x;\n}\n`,
        5,
      ],
      [`upstream gateway_backend {\n${server}\n`, 2],
      [`upstream gateway_backend {\n    server 10.0.0.1:80;\n}\n`, 2],
      ['upstream gateway_backend {\n\u0000}\n', 0],
    ];
    for (const [content, line] of cases)
      assert.equal(checkRenderGrammar(content)?.line, line, JSON.stringify(content));
  });
});
