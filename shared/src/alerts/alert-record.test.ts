import { describe, expect, it } from 'vitest';
import { alertRecord, parseAlertEntry } from './alert-record.js';

const origin = { source: 'health', replica: 'r1', time: 1_700_000_000_000 };

describe('alert records', () => {
  it('round-trips through the outbox payload with the entry id', () => {
    const record = alertRecord(
      {
        key: 'node-down:10.0.0.1',
        kind: 'node_down',
        message: 'down',
        node: '10.0.0.1',
        details: { reason: 'refused' },
      },
      'firing',
      origin,
    );
    expect(parseAlertEntry('1-0', JSON.stringify(record))).toEqual({ ...record, id: '1-0' });
  });

  it('bounds what a caller passes: long text cut, at most 20 details', () => {
    const details = Object.fromEntries(
      Array.from({ length: 30 }, (_, index) => [`d${index}`, 'x'.repeat(900)]),
    );
    const record = alertRecord(
      { key: 'k', kind: 'k', message: 'm'.repeat(5_000), details },
      'resolved',
      origin,
    );
    expect(record.message).toHaveLength(2_000);
    expect(Object.keys(record.details ?? {})).toHaveLength(20);
    expect(String(record.details?.['d0'])).toHaveLength(500);
  });

  it('refuses a key that is empty or not printable, and reads an unreadable payload as none', () => {
    expect(() => alertRecord({ key: '', kind: 'k', message: 'm' }, 'firing', origin)).toThrow();
    expect(() => alertRecord({ key: 'a b', kind: 'k', message: 'm' }, 'firing', origin)).toThrow();
    expect(parseAlertEntry('1-0', '{not json')).toBeUndefined();
    expect(parseAlertEntry('1-0', JSON.stringify({ key: 'k' }))).toBeUndefined();
    expect(parseAlertEntry('1-0', undefined)).toBeUndefined();
  });
});
