import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'vitest';
import { serializeError } from './error-serializer.js';
import { createLogger } from './logger.js';

describe('logged errors', () => {
  it('keep type, message, code and causes, and never a stack trace', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    const error = new TypeError('the write failed', { cause });
    assert.deepEqual(serializeError(error), {
      type: 'TypeError',
      message: 'the write failed',
      cause: {
        type: 'Error',
        message: 'connect ECONNREFUSED 127.0.0.1:6379',
        code: 'ECONNREFUSED',
      },
    });
    assert.deepEqual(serializeError('plain text'), { type: 'string', message: 'plain text' });
  });

  it('leave the service logger without a stack for an error it is given', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('test', 'info', sink);
    logger.warn({ err: new Error('boom') }, 'a failure');
    logger.error(new RangeError('out of range'));
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.doesNotMatch(line, /"stack"|\n\s+at /);
      assert.doesNotMatch(line, /error-serializer\.test/);
    }
    assert.match(lines[0], /"err":\{"type":"Error","message":"boom"\}/);
    assert.match(lines[1], /"type":"RangeError","message":"out of range"/);
  });
});
