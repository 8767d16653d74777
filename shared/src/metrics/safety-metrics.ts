import { Gauge, type Registry } from 'prom-client';
import { evictionPolicyState } from '../redis/eviction-policy.js';
import { servedCertificates } from '../tls/certificate-status.js';

/**
 * Conditions that do not stop a service today but will, unless an operator acts; read at
 * scrape time from the process's own state (no Redis read):
 * - `gateway_tls_certificate_reload_failing{transport}`: 1 while changed certificate files
 *   are refused (the last good pair is still served), 0 otherwise. Why is in the log.
 * - `gateway_tls_certificate_not_after_seconds{transport}`: the served certificate's
 *   notAfter (epoch seconds). Both absent when the server is plaintext.
 * - `gateway_redis_eviction_policy_unsafe`: 1 when Redis's maxmemory-policy is not
 *   noeviction (keys may be evicted), 0 when it is or could not be read (logged).
 */
export function registerSafetyMetrics(registry: Registry): void {
  new Gauge({
    name: 'gateway_tls_certificate_reload_failing',
    help: '1 while changed gRPC TLS certificate files are refused (the last good pair is served)',
    labelNames: ['transport'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const served of servedCertificates())
        this.set({ transport: served.transport }, served.reloadFailing ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gateway_tls_certificate_not_after_seconds',
    help: 'notAfter of the gRPC TLS certificate served now, in seconds since the epoch',
    labelNames: ['transport'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const served of servedCertificates())
        this.set({ transport: served.transport }, served.notAfterSeconds);
    },
  });
  new Gauge({
    name: 'gateway_redis_eviction_policy_unsafe',
    help: "1 when Redis's maxmemory-policy is not noeviction: it may evict the gateway's keys",
    registers: [registry],
    collect() {
      this.set(evictionPolicyState() === 'unsafe' ? 1 : 0);
    },
  });
}
