import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { renderUpstreams } from '../render/render-upstreams.js';
import { storedInstance } from '../render/stored-instance.fixture.js';
import { lineOwners } from './line-owners.js';

const instance = (group: string, host: string, port: number, backup = false) =>
  storedInstance(group, host, port, { backup });

describe('lineOwners: from a line nginx names back to the instances', () => {
  const instances = [
    instance('default', '10.0.0.1', 8080),
    instance('default', 'nx-does-not-exist.invalid', 80),
    instance('default', '2001:db8::1', 81),
    instance('include', '10.0.0.2', 9000, true),
    instance('include', '10.0.0.3', 9001, true),
  ];
  const render = renderUpstreams(instances);
  const lines = render.content.split('\n');
  const lineOf = (text: string) => lines.findIndex((line) => line.includes(text)) + 1;

  it('maps each server line to its instance, IPv6 hosts unbracketed', () => {
    const owners = lineOwners(render.content);
    assert.deepEqual(owners.get(lineOf('nx-does-not-exist.invalid:80')), [
      'default/nx-does-not-exist.invalid/80',
    ]);
    assert.deepEqual(owners.get(lineOf('[2001:db8::1]:81')), ['default/2001:db8::1/81']);
    assert.deepEqual(owners.get(lineOf('10.0.0.1:8080')), ['default/10.0.0.1/8080']);
  });

  it('maps an upstream line, its closing brace and its map entry to every instance of the group', () => {
    const owners = lineOwners(render.content);
    const group = ['include/10.0.0.2/9000', 'include/10.0.0.3/9001'];
    const opening = lineOf('upstream gateway_include {');
    assert.deepEqual(owners.get(opening), group);
    assert.equal(lines[opening + 2], '}');
    assert.deepEqual(owners.get(opening + 3), group);
    assert.deepEqual(owners.get(lineOf('\\include gateway_include;')), group);
  });

  it('leaves comments, blank lines, the map header and default to nobody', () => {
    const owners = lineOwners(render.content);
    for (const text of ['# Rendered', 'map $http_x_gateway_group', 'default gateway_backend;'])
      assert.equal(owners.get(lineOf(text)), undefined, text);
    assert.equal(owners.get(3), undefined);
    assert.equal(owners.get(lines.length + 5), undefined);
  });
});
