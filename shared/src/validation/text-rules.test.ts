import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { FieldViolation } from './field-violation.js';
import {
  requireIntegerInRange,
  requireKnownEnum,
  requireMaxLength,
  requireNonEmpty,
  requirePrintable,
} from './text-rules.js';

/** Asserts that `check` fails with a violation of `field` whose message matches `reason`. */
function violates(check: () => void, field: string, reason: RegExp) {
  assert.throws(check, (error: unknown) => {
    assert.ok(error instanceof FieldViolation);
    assert.equal(error.field, field);
    assert.match(error.description, reason);
    assert.equal(error.message, `${field}: ${error.description}`);
    return true;
  });
}

describe('text and number rules of request fields', () => {
  it('max length counts characters and says how many were sent', () => {
    requireMaxLength('label', 'abc', 3);
    violates(() => requireMaxLength('label', 'abcd', 3), 'label', /at most 3 characters \(got 4\)/);
  });

  it('non-empty', () => {
    requireNonEmpty('reporter', 'x');
    violates(() => requireNonEmpty('reporter', ''), 'reporter', /is required/);
  });

  it('integer in range refuses fractions, NaN and values out of range', () => {
    requireIntegerInRange('port', 1, 1, 65535);
    requireIntegerInRange('port', 65535, 1, 65535);
    for (const value of [0, 65536, 1.5, Number.NaN])
      violates(() => requireIntegerInRange('port', value, 1, 65535), 'port', /between 1 and 65535/);
  });

  it('known enum', () => {
    requireKnownEnum('failure_kind', 2, [1, 2, 3]);
    violates(
      () => requireKnownEnum('failure_kind', 9, [1, 2, 3]),
      'failure_kind',
      /unknown enum value 9/,
    );
  });

  it('printable refuses new lines, NUL, escape and DEL, accepts other Unicode', () => {
    requirePrintable('label', 'edge node — Zürich');
    for (const text of ['a\nb', 'a\u0000', '\u001b[31m', 'x\u007f', 'tab\there'])
      violates(() => requirePrintable('label', text), 'label', /control characters/);
  });
});
