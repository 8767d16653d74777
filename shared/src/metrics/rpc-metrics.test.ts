import assert from 'node:assert/strict';
import { AbortError } from 'abort-controller-x';
import { ServerError, Status } from 'nice-grpc';
import { describe, it } from 'vitest';
import { splitMethodPath, statusOf } from './rpc-metrics.js';

describe('gRPC call labels', () => {
  it('split a method path into service and method', () => {
    assert.deepEqual(splitMethodPath('/gateway.registry.v1.RegistryService/Register'), {
      service: 'gateway.registry.v1.RegistryService',
      method: 'Register',
    });
    assert.deepEqual(splitMethodPath('nonsense'), { service: 'unknown', method: 'nonsense' });
  });

  it('name the status the client sees: a ServerError’s code, CANCELLED for an abort, else UNKNOWN', () => {
    assert.equal(statusOf(new ServerError(Status.INVALID_ARGUMENT, 'x')), 'INVALID_ARGUMENT');
    assert.equal(statusOf(new ServerError(Status.UNAVAILABLE, 'x')), 'UNAVAILABLE');
    assert.equal(statusOf(new AbortError()), 'CANCELLED');
    assert.equal(statusOf(new Error('boom')), 'UNKNOWN');
  });
});
