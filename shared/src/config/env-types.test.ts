import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { durationMs, flag, fraction, integer, listenAddress, parseHostPort } from './env-types.js';

const issue = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
  result.success ? undefined : result.error!.issues[0].message;

describe('environment value types', () => {
  describe('durationMs', () => {
    const duration = durationMs({ min: 100, max: 3_600_000, default: 15_000 });

    it('reads ms, s, m, h and bare milliseconds, fractions rounded to the millisecond', () => {
      assert.equal(duration.parse('500ms'), 500);
      assert.equal(duration.parse('15s'), 15_000);
      assert.equal(duration.parse('1.5s'), 1_500);
      assert.equal(duration.parse('2m'), 120_000);
      assert.equal(duration.parse('1h'), 3_600_000);
      assert.equal(duration.parse('250'), 250);
      assert.equal(duration.parse('0.1234s'), 123);
    });

    it('takes the default when unset', () => {
      assert.equal(duration.parse(undefined), 15_000);
    });

    it('refuses text that is not a duration, naming the accepted forms', () => {
      for (const text of ['soon', '15 s', '-1s', '1d', '', 's', '1e3']) {
        assert.match(
          issue(duration.safeParse(text)) ?? '',
          /is not a duration such as 500ms/,
          text,
        );
      }
    });

    it('refuses a duration outside its bounds, naming them', () => {
      assert.equal(issue(duration.safeParse('99ms')), '99ms is outside 100ms..3600000ms');
      assert.equal(issue(duration.safeParse('2h')), '2h is outside 100ms..3600000ms');
    });

    it('reads any whole number of seconds as that many thousand milliseconds', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 3_600 }), (seconds) => {
          assert.equal(duration.parse(`${seconds}s`), seconds * 1000);
        }),
      );
    });
  });

  it('integer: coerces text, keeps bounds, refuses fractions, defaults when unset', () => {
    const value = integer({ min: 1, max: 10, default: 3 });
    assert.equal(value.parse('7'), 7);
    assert.equal(value.parse(undefined), 3);
    assert.equal(value.safeParse('11').success, false);
    assert.equal(value.safeParse('0').success, false);
    assert.equal(value.safeParse('2.5').success, false);
    assert.equal(value.safeParse('many').success, false);
  });

  it('fraction: accepts fractions within bounds', () => {
    const value = fraction({ min: 0, max: 1, default: 0.5 });
    assert.equal(value.parse('0.25'), 0.25);
    assert.equal(value.parse(undefined), 0.5);
    assert.equal(value.safeParse('1.5').success, false);
  });

  it('flag: true/1/yes/on and false/0/no/off, the default when unset, nothing else', () => {
    const value = flag(false);
    for (const text of ['true', '1', 'yes', 'on']) assert.equal(value.parse(text), true);
    for (const text of ['false', '0', 'no', 'off']) assert.equal(value.parse(text), false);
    assert.equal(value.parse(undefined), false);
    assert.equal(flag(true).parse(undefined), true);
    assert.equal(
      issue(value.safeParse('TRUE')),
      'must be one of true, false, 1, 0, yes, no, on, off',
    );
  });

  describe('listen addresses', () => {
    it('reads host:port for IPv4, names and bracketed IPv6, port 0 included', () => {
      assert.deepEqual(parseHostPort('127.0.0.1:50051'), { host: '127.0.0.1', port: 50051 });
      assert.deepEqual(parseHostPort('localhost:0'), { host: 'localhost', port: 0 });
      assert.deepEqual(parseHostPort('[::1]:50051'), { host: '::1', port: 50051 });
    });

    it('refuses a missing or out-of-range port, an unbracketed or invalid IPv6', () => {
      for (const text of [
        '127.0.0.1',
        '127.0.0.1:65536',
        '::1:50051',
        '[1.2.3.4]:80',
        '[zz]:1',
        'a b:1',
      ])
        assert.equal(parseHostPort(text), undefined, text);
      assert.equal(
        issue(listenAddress.safeParse('nowhere')),
        'must be host:port, e.g. 127.0.0.1:50051 or [::1]:50051',
      );
    });
  });
});
