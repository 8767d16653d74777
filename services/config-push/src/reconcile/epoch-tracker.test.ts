import { describe, expect, it } from 'vitest';
import type { AlertInput, Alerts } from '@gateway/shared';
import { EpochTracker } from './epoch-tracker.js';

const OLD = '1764000000000-00000000000000aa';
const NEW = '1764000900000-00000000000000bb';
const NEWER = '1764001800000-00000000000000cc';

/** Keeps what was fired (the real Alerts also queues it in the Redis outbox). */
function keptAlerts(): Pick<Alerts, 'fire'> & { raised: AlertInput[] } {
  const raised: AlertInput[] = [];
  return { raised, fire: (alert) => void raised.push(alert) };
}

describe('the epoch tracker', () => {
  it('alerts once per new epoch, whichever node or config reports the older one', () => {
    const alerts = keptAlerts();
    const tracker = EpochTracker(alerts, () => 5);
    tracker.observe(OLD, NEW, 'node 10.0.0.1');
    tracker.observe(OLD, NEW, 'node 10.0.0.2');
    tracker.observe(OLD, NEW, 'the last accepted config');
    expect(alerts.raised.map((alert) => alert.kind)).toEqual(['store_epoch_changed']);
    expect(alerts.raised[0].message).toContain(NEW);
    tracker.observe(NEW, NEWER, 'node 10.0.0.1');
    expect(alerts.raised).toHaveLength(2);
  });

  it('does not alert for the same epoch, an older one, or a node that never ran any', () => {
    const alerts = keptAlerts();
    const tracker = EpochTracker(alerts);
    tracker.observe(NEW, NEW, 'node 10.0.0.1');
    tracker.observe(NEWER, NEW, 'node 10.0.0.1');
    tracker.observe('', NEW, 'node 10.0.0.1');
    expect(alerts.raised).toEqual([]);
  });

  it('remembers when it first saw an epoch (the settle time counts from there)', () => {
    let now = 1_000;
    const tracker = EpochTracker(keptAlerts(), () => now);
    expect(tracker.firstSeen(NEW)).toBe(1_000);
    now = 9_000;
    expect(tracker.firstSeen(NEW)).toBe(1_000);
    expect(tracker.firstSeen(NEWER)).toBe(9_000);
  });
});
