import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { AdminState, type InstanceSpec } from '@gateway/proto/registry';
import { FieldViolation } from '@gateway/shared';
import { registerRequestToSpec } from './request-mapping.js';

const LEASE = { defaultMs: 15_000, minMs: 5_000, maxMs: 300_000 };
const INSTANCE: InstanceSpec = {
  group: 'default',
  host: '10.0.0.1',
  port: 8080,
  weight: 0,
  maxFails: undefined,
  failTimeout: undefined,
  backup: false,
  adminState: AdminState.ADMIN_STATE_UNSPECIFIED,
  metadata: {},
};

const violates = (
  request: Parameters<typeof registerRequestToSpec>[0],
  field: string,
  reason: RegExp,
) =>
  assert.throws(
    () => registerRequestToSpec(request, LEASE),
    (error: unknown) =>
      error instanceof FieldViolation && error.field === field && reason.test(error.description),
    field,
  );

describe('Register request mapping', () => {
  it('fills the defaults: weight 1, enabled, the default lease', () => {
    const { spec, leaseMs } = registerRequestToSpec(
      { instance: INSTANCE, leaseDuration: undefined },
      LEASE,
    );
    assert.equal(spec.weight, 1);
    assert.equal(spec.adminState, 'enabled');
    assert.equal(leaseMs, 15_000);
  });

  it('reads a draining state, a fail timeout in whole seconds and a lease duration', () => {
    const { spec, leaseMs } = registerRequestToSpec(
      {
        instance: {
          ...INSTANCE,
          adminState: AdminState.ADMIN_STATE_DRAINING,
          failTimeout: { seconds: 30, nanos: 0 },
        },
        leaseDuration: { seconds: 20, nanos: 500_000_000 },
      },
      LEASE,
    );
    assert.equal(spec.adminState, 'draining');
    assert.equal(spec.failTimeoutSeconds, 30);
    assert.equal(leaseMs, 20_500);
  });

  it('names the field of a missing instance, an unknown admin state or a bad duration', () => {
    violates({ instance: undefined, leaseDuration: undefined }, 'instance', /required/);
    violates(
      { instance: { ...INSTANCE, adminState: 42 as AdminState }, leaseDuration: undefined },
      'instance.admin_state',
      /unknown enum value 42/,
    );
    violates(
      {
        instance: { ...INSTANCE, failTimeout: { seconds: 1, nanos: 500_000_000 } },
        leaseDuration: undefined,
      },
      'instance.fail_timeout',
      /whole number of seconds/,
    );
    violates(
      { instance: INSTANCE, leaseDuration: { seconds: -1, nanos: 0 } },
      'lease_duration',
      /non-negative/,
    );
    violates(
      { instance: INSTANCE, leaseDuration: { seconds: 10, nanos: 1 } },
      'lease_duration',
      /whole number of milliseconds/,
    );
  });

  it('keeps the lease within its bounds, saying them in seconds', () => {
    violates(
      { instance: INSTANCE, leaseDuration: { seconds: 1, nanos: 0 } },
      'lease_duration',
      /between 5s and 300s \(got 1s\)/,
    );
    violates(
      { instance: INSTANCE, leaseDuration: { seconds: 301, nanos: 0 } },
      'lease_duration',
      /between 5s and 300s/,
    );
  });

  it('validates the spec with the shared rules, naming instance.* fields', () => {
    violates(
      { instance: { ...INSTANCE, host: 'a;b' }, leaseDuration: undefined },
      'instance.host',
      /./,
    );
    violates(
      { instance: { ...INSTANCE, port: 0 }, leaseDuration: undefined },
      'instance.port',
      /between 1/,
    );
  });
});
