/**
 * How many instances may be quarantined at once: a share of the registered instances,
 * but never fewer than `minimum` (a small gateway survives a couple of typos). Beyond
 * it nothing more is quarantined: the push keeps failing, the nodes keep the config
 * they run, and an alert says so (a node-side fault, e.g. a dead resolver, would
 * otherwise quarantine the whole fleet).
 */
export function quarantineLimit(instances: number, share: number, minimum: number): number {
  return Math.max(minimum, Math.floor(instances * share));
}

/** Next re-test delay after `checks` failed re-tests: doubling from `minMs`, capped at `maxMs`. */
export function recheckDelay(checks: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(checks, 30));
}
