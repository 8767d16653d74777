import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { FailureKind } from '@gateway/proto/health';
import { networkFailureOf, toProtoFailureKind } from './network-failure.js';

const withCode = (code: string, cause?: unknown) =>
  Object.assign(new Error(code), { code }, cause === undefined ? {} : { cause });

describe('network failure classification', () => {
  it('classifies socket and undici codes', () => {
    assert.equal(networkFailureOf(withCode('ECONNREFUSED')), 'refused');
    assert.equal(networkFailureOf(withCode('UND_ERR_CONNECT_TIMEOUT')), 'timeout');
    assert.equal(networkFailureOf(withCode('UND_ERR_HEADERS_TIMEOUT')), 'timeout');
    assert.equal(networkFailureOf(withCode('ECONNRESET')), 'reset');
    assert.equal(networkFailureOf(withCode('UND_ERR_SOCKET')), 'reset');
    assert.equal(networkFailureOf(withCode('ENOTFOUND')), 'dns');
    assert.equal(networkFailureOf(withCode('EHOSTUNREACH')), 'unreachable');
  });

  it('finds the socket error undici wraps in its cause chain', () => {
    const fetchFailed = new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') });
    assert.equal(networkFailureOf(fetchFailed), 'refused');
  });

  it('is no network failure: an abort, a plain error, a code it does not know, nothing', () => {
    assert.equal(networkFailureOf(new DOMException('aborted', 'AbortError')), undefined);
    assert.equal(networkFailureOf(new Error('bug')), undefined);
    assert.equal(networkFailureOf(withCode('ERR_INVALID_ARG_TYPE')), undefined);
    assert.equal(networkFailureOf(undefined), undefined);
  });

  it('stops walking a cause chain after five links (a cycle cannot hang it)', () => {
    const cyclic: { code?: string; cause?: unknown } = {};
    cyclic.cause = cyclic;
    assert.equal(networkFailureOf(cyclic), undefined);
    let deep: unknown = withCode('ECONNRESET');
    for (let i = 0; i < 5; i++) deep = new Error('wrapped', { cause: deep });
    assert.equal(networkFailureOf(deep), undefined);
  });

  it('maps each kind to the ReportSuspect enum, unreachable as OTHER', () => {
    assert.equal(toProtoFailureKind('refused'), FailureKind.FAILURE_KIND_CONNECTION_REFUSED);
    assert.equal(toProtoFailureKind('timeout'), FailureKind.FAILURE_KIND_TIMEOUT);
    assert.equal(toProtoFailureKind('reset'), FailureKind.FAILURE_KIND_CONNECTION_RESET);
    assert.equal(toProtoFailureKind('dns'), FailureKind.FAILURE_KIND_DNS);
    assert.equal(toProtoFailureKind('unreachable'), FailureKind.FAILURE_KIND_OTHER);
  });
});
