import { z } from 'zod';
import { parseHostPort } from '../config/env-types.js';

/** The values of METRICS_LISTEN that turn the metrics endpoint off. */
const OFF = new Set(['', 'off', 'none', 'disabled']);

/**
 * METRICS_LISTEN: `host:port` of the HTTP endpoint serving /metrics, /healthz and /readyz
 * (port 0 lets the kernel choose), or `off` (also empty) for none. Parsed to the address,
 * or undefined when off.
 */
export function metricsListen(defaultListen: string) {
  return z
    .string()
    .default(defaultListen)
    .transform((text, ctx) => {
      const trimmed = text.trim();
      if (OFF.has(trimmed.toLowerCase())) return undefined;
      const address = parseHostPort(trimmed);
      if (!address) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be host:port (e.g. 127.0.0.1:9451, [::1]:9451) or "off"',
        });
        return z.NEVER;
      }
      return address;
    });
}
