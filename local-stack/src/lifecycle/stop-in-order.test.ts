import assert from 'node:assert/strict';
import { pino } from 'pino';
import { describe, it } from 'vitest';
import { emptyStackParts, type StackPart } from './stack-part.js';
import { stopInOrder } from './stop-in-order.js';

const silent = pino({ level: 'silent' });

function part(name: string, stops: string[], problem?: string): StackPart {
  return {
    name,
    died: new Promise<never>(() => undefined),
    stop: async () => {
      stops.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      stops.push(`${name}:end`);
      return problem;
    },
  };
}

describe('stop order of the local stack', () => {
  it('stops the console first, every core before any service, the services before the nodes, redis last', async () => {
    const stops: string[] = [];
    const parts = emptyStackParts();
    parts.redis.push(part('redis', stops));
    parts.nodes.push(part('node-a', stops), part('node-b', stops));
    parts.services.push(part('registry', stops), part('health', stops));
    parts.cores.push(part('core-1', stops), part('core-2', stops));
    parts.console.push(part('console', stops));
    assert.deepEqual(await stopInOrder(parts, silent), []);
    const end = (name: string) => stops.indexOf(`${name}:end`);
    const start = (name: string) => stops.indexOf(`${name}:start`);
    for (const core of ['core-1', 'core-2']) assert.ok(end('console') < start(core));
    for (const core of ['core-1', 'core-2'])
      for (const service of ['registry', 'health']) assert.ok(end(core) < start(service));
    for (const service of ['registry', 'health'])
      for (const node of ['node-a', 'node-b']) assert.ok(end(service) < start(node));
    assert.ok(end('node-b') < start('redis'));
    assert.ok(start('core-2') < end('core-1'), 'the parts of a group stop together');
  });

  it('reports what did not stop cleanly, or threw, and stops the rest anyway', async () => {
    const stops: string[] = [];
    const parts = emptyStackParts();
    parts.cores.push(part('core-1', stops, 'core-1 stopped with exit code 1'));
    parts.services.push({
      name: 'registry',
      died: new Promise<never>(() => undefined),
      stop: () => Promise.reject(new Error('boom')),
    });
    parts.redis.push(part('redis', stops));
    assert.deepEqual(await stopInOrder(parts, silent), [
      'core-1 stopped with exit code 1',
      'registry: boom',
    ]);
    assert.ok(stops.includes('redis:end'));
    assert.deepEqual(parts, emptyStackParts(), 'stopped parts are taken out');
  });
});
