import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { FieldViolation } from '@gateway/shared';
import { decodePageToken, encodePageToken } from './page-token.js';

describe('ListInstances page token', () => {
  it('round-trips the position for the same group filter, and an empty token is the start', () => {
    const token = encodePageToken({ after: 'payments/10.0.0.1/8080', group: 'payments' });
    assert.match(token, /^[A-Za-z0-9_-]+$/, 'URL-safe');
    assert.equal(decodePageToken(token, 'payments'), 'payments/10.0.0.1/8080');
    assert.equal(decodePageToken('', 'payments'), undefined);
    assert.equal(decodePageToken(encodePageToken({ after: 'a/b/1', group: '' }), ''), 'a/b/1');
  });

  it('refuses a token of another group filter, garbage, an oversized token or position', () => {
    const token = encodePageToken({ after: 'payments/10.0.0.1/8080', group: 'payments' });
    const refused = (candidate: string, group: string) =>
      assert.throws(
        () => decodePageToken(candidate, group),
        (error: FieldViolation) => error instanceof FieldViolation && error.field === 'page_token',
      );
    refused(token, '');
    refused(token, 'orders');
    refused('garbage!', '');
    refused('x'.repeat(1025), '');
    refused(Buffer.from('{"group":""}').toString('base64url'), '');
    refused(encodePageToken({ after: 'a'.repeat(331), group: '' }), '');
  });
});
