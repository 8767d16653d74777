import { describe, expect, it } from 'vitest';
import {
  compareEpochs,
  compareStamps,
  epochCreatedMs,
  epochSeed,
  isStoreEpoch,
} from './store-epoch.js';

const older = '1764000000000-00000000000000ff';
const newer = '1764000500000-0000000000000001';

describe('store epochs', () => {
  it('reads the creation time of a well-formed epoch and -1 for none or garbage', () => {
    expect(epochCreatedMs(older)).toBe(1764000000000);
    expect(epochCreatedMs('')).toBe(-1);
    expect(epochCreatedMs('12-xyz')).toBe(-1);
    expect(isStoreEpoch(older)).toBe(true);
    expect(isStoreEpoch('')).toBe(false);
  });

  it('orders epochs by creation time, then by their random part, and no epoch before any', () => {
    expect(compareEpochs(older, newer)).toBeLessThan(0);
    expect(compareEpochs(newer, older)).toBeGreaterThan(0);
    expect(compareEpochs('', older)).toBeLessThan(0);
    expect(compareEpochs(older, older)).toBe(0);
    const twin = '1764000000000-0000000000000100';
    expect(compareEpochs(older, twin)).toBeLessThan(0);
  });

  it('lets a newer epoch win over a higher revision of an older one', () => {
    expect(
      compareStamps({ epoch: newer, revision: 1 }, { epoch: older, revision: 900 }),
    ).toBeGreaterThan(0);
  });

  it('refuses a lower revision within the same epoch, as before epochs existed', () => {
    expect(
      compareStamps({ epoch: older, revision: 7 }, { epoch: older, revision: 9 }),
    ).toBeLessThan(0);
    expect(compareStamps({ epoch: older, revision: 9 }, { epoch: older, revision: 9 })).toBe(0);
  });

  it('offers a fresh 16-hex-digit seed each time', () => {
    const seed = epochSeed();
    expect(seed).toMatch(/^[0-9a-f]{16}$/);
    expect(epochSeed()).not.toBe(seed);
  });
});
