import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkInstanceSpec, FieldViolation, instanceId, parseInstanceId } from '@gateway/shared';
import { groupFilterFromRequest, pageSizeFromRequest } from './list-query.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import {
  anyInt32,
  anyRegisterRequest,
  hostileText,
  validatedOrRefused,
  validGroup,
  validRegisterRequest,
} from './request-arbitraries.fixture.js';
import { registerRequestToSpec } from './request-mapping.js';

const LEASE = { defaultMs: 15_000, minMs: 5_000, maxMs: 300_000 };
const isViolation = (error: unknown): error is FieldViolation => error instanceof FieldViolation;
const RUNS = { numRuns: 2_000 };

const REGISTER_FIELDS =
  /^(instance(\.(group|host|port|weight|max_fails|fail_timeout|admin_state|metadata(\[.*\])?))?|lease_duration)$/s;

describe('RegistryService request validation, on any input', () => {
  it('Register: refuses with a violation naming an instance field or lease_duration, or returns a spec that validates again unchanged', () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyRegisterRequest, (request) => {
        const result = validatedOrRefused(
          () => registerRequestToSpec(request, LEASE),
          REGISTER_FIELDS,
          isViolation,
        );
        if (!result) return;
        accepted += 1;
        assert.deepEqual(
          checkInstanceSpec({ ...result.spec, metadata: { ...result.spec.metadata } }, 'x'),
          result.spec,
        );
        assert.ok(result.leaseMs >= LEASE.minMs && result.leaseMs <= LEASE.maxMs);
      }),
      RUNS,
    );
    console.log(
      `[figure] Register property: ${RUNS.numRuns} arbitrary requests, ${accepted} accepted`,
    );
  });

  it('Register: accepts every valid request, with its defaults filled in', () => {
    fc.assert(
      fc.property(validRegisterRequest, (request) => {
        const { spec, leaseMs } = registerRequestToSpec(request, LEASE);
        assert.equal(spec.group, request.instance!.group);
        assert.equal(spec.port, request.instance!.port);
        assert.equal(spec.weight, request.instance!.weight || 1);
        assert.equal(
          leaseMs,
          request.leaseDuration
            ? request.leaseDuration.seconds * 1000 + request.leaseDuration.nanos / 1e6
            : LEASE.defaultMs,
        );
        assert.equal(parseInstanceId('instance_id', instanceId(spec)), instanceId(spec));
      }),
      RUNS,
    );
  });

  it('Heartbeat and Deregister: any instance_id is an id Register could have built or a violation of instance_id', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileText,
          fc
            .tuple(
              fc.oneof(validGroup, hostileText),
              hostileText,
              fc.oneof(fc.nat(70_000).map(String), hostileText),
            )
            .map((parts) => parts.join('/')),
        ),
        (id) => {
          const parsed = validatedOrRefused(
            () => parseInstanceId('instance_id', id),
            /^instance_id$/,
            isViolation,
          );
          if (parsed !== undefined) assert.equal(parsed, id);
        },
      ),
      RUNS,
    );
  });

  it('Heartbeat and Deregister: accept the id of every valid registration', () => {
    fc.assert(
      fc.property(validRegisterRequest, (request) => {
        const id = instanceId(registerRequestToSpec(request, LEASE).spec);
        assert.equal(parseInstanceId('instance_id', id), id);
      }),
      RUNS,
    );
  });

  it('ListInstances and WatchInstances: any group, page_size and page_token pass or name their field', () => {
    fc.assert(
      fc.property(
        fc.oneof(hostileText, validGroup),
        anyInt32,
        fc.oneof(
          hostileText,
          fc
            .jsonValue()
            .map((value) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url')),
          fc
            .record({ after: fc.anything(), group: fc.anything() })
            .map((value) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url')),
        ),
        (group, pageSize, pageToken) => {
          validatedOrRefused(
            () => {
              const filter = groupFilterFromRequest(group);
              const size = pageSizeFromRequest(pageSize);
              const after = decodePageToken(pageToken, filter);
              assert.ok(size >= 1 && size <= 1000);
              assert.ok(after === undefined || typeof after === 'string');
            },
            /^(group|page_size|page_token)$/,
            isViolation,
          );
        },
      ),
      RUNS,
    );
  });

  it('ListInstances: accepts a valid group, any page size from 0 to 1000 and the tokens it hands out', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(''), validGroup),
        fc.integer({ min: 0, max: 1000 }),
        fc.string({ maxLength: 330 }),
        (group, pageSize, after) => {
          assert.equal(groupFilterFromRequest(group), group);
          assert.equal(pageSizeFromRequest(pageSize), pageSize === 0 ? 100 : pageSize);
          assert.equal(decodePageToken(encodePageToken({ after, group }), group), after);
        },
      ),
      RUNS,
    );
  });
});
