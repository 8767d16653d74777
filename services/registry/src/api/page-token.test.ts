import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { FieldViolation } from '@gateway/shared';
import { decodePageToken, encodePageToken } from './page-token.js';

const refused = (token: string, group: string, reason: RegExp) =>
  assert.throws(
    () => decodePageToken(token, group),
    (error: unknown) =>
      error instanceof FieldViolation &&
      error.field === 'page_token' &&
      reason.test(error.description),
  );

describe('page tokens of ListInstances', () => {
  it('round-trip any position for the same group filter', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 330 }), fc.string({ maxLength: 63 }), (after, group) => {
        assert.equal(decodePageToken(encodePageToken({ after, group }), group), after);
      }),
    );
  });

  it('are URL-safe text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 100 }), (after) => {
        assert.match(encodePageToken({ after, group: '' }), /^[A-Za-z0-9_-]*$/);
      }),
    );
  });

  it('an empty token is the first page', () => {
    assert.equal(decodePageToken('', 'default'), undefined);
  });

  it('refuses a token of another group filter', () => {
    refused(
      encodePageToken({ after: 'default/10.0.0.1/80', group: 'default' }),
      'payments',
      /group filter/,
    );
  });

  it('refuses a token it did not make, or one longer than any it makes', () => {
    refused('not-a-token', '', /not a token returned by ListInstances/);
    refused(Buffer.from('{"after":1,"group":""}').toString('base64url'), '', /does not belong/);
    refused('A'.repeat(1025), '', /not a token returned by ListInstances/);
    refused(encodePageToken({ after: 'a'.repeat(331), group: '' }), '', /not a token returned/);
  });

  it('refuses JSON that is no position (null, a number, a string, an array) as a violation, never a crash', () => {
    for (const json of ['null', '1', '"x"', '[]', 'true'])
      refused(Buffer.from(json).toString('base64url'), '', /not a token returned by ListInstances/);
  });
});
