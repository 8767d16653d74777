import type { StoredInstance } from '@gateway/shared';

// Test fixtures of the renderer (unit and integration tests). `*.fixture.ts` files are test
// support: the Docker build context leaves them out with the tests.

/** A stored instance as the registry keeps it, with the spec's defaults and `extra` on top. */
export function storedInstance(
  group: string,
  host: string,
  port: number,
  extra: Partial<StoredInstance['spec']> = {},
  id = `${group}/${host}/${port}`,
): StoredInstance {
  return {
    id,
    revision: 1,
    registerTime: 0,
    leaseMs: 15_000,
    fingerprint: 'x',
    spec: {
      group,
      host,
      port,
      weight: 1,
      backup: false,
      adminState: 'enabled',
      metadata: {},
      ...extra,
    },
  };
}

/** Every kind of server line: parameters, IPv6, a DNS name, draining, and an escaped map key. */
export const RENDER_SAMPLE: readonly StoredInstance[] = [
  storedInstance('payments', '10.0.0.9', 9000, { weight: 3, maxFails: 2, failTimeoutSeconds: 30 }),
  storedInstance('default', '2001:db8::1', 8081, { backup: true }),
  storedInstance('default', '10.0.0.1', 8080, { weight: 5 }),
  storedInstance('default', '10.0.0.1', 80, { adminState: 'draining' }),
  storedInstance('include', 'core.example.internal', 7000),
];
