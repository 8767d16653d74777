import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { LineFormatter } from './line-formatter.js';

const entry = JSON.stringify({
  level: 30,
  time: '2026-11-25T12:00:00.000Z',
  service: 'registry',
  pid: 42,
  id: 'default/127.0.0.1/8080',
  msg: 'instance registered',
});

describe('the line formatter of the local stack', () => {
  it('keeps a service JSON line as JSON and adds its source', () => {
    const line = LineFormatter('json', { colorize: false })('registry', entry, 'stdout');
    assert.ok(line.endsWith('\n'));
    assert.deepEqual(JSON.parse(line), { source: 'registry', ...JSON.parse(entry) });
  });

  it('wraps a plain text line in a JSON entry (error level from stderr)', () => {
    const format = LineFormatter('json', { colorize: false });
    const parsed = JSON.parse(format('core-1', 'gateway-core: CORE_LISTEN: bad', 'stderr')) as {
      level: number;
      source: string;
      msg: string;
    };
    assert.equal(parsed.level, 50);
    assert.equal(parsed.source, 'core-1');
    assert.equal(parsed.msg, 'gateway-core: CORE_LISTEN: bad');
    assert.equal((JSON.parse(format('core-1', 'hello', 'stdout')) as { level: number }).level, 30);
  });

  it('prints a JSON line as one readable line: source, level, message, fields, no pid', () => {
    const line = LineFormatter('pretty', { colorize: false })('registry', entry, 'stdout');
    assert.equal(line.split('\n').length, 2, 'one line and its newline');
    assert.match(line, /^registry +│ \[\d\d:\d\d:\d\d\.\d{3}\] INFO: instance registered/);
    assert.match(line, /"id":"default\/127\.0\.0\.1\/8080"/);
    assert.doesNotMatch(line, /"pid"|"service"|^\{/);
  });

  it('prefixes a plain text line with its source and leaves it as it is', () => {
    const line = LineFormatter('pretty', { colorize: false })('core-2', 'not json {', 'stderr');
    assert.equal(line, `${'core-2'.padEnd(12)}│ not json {\n`);
  });
});
