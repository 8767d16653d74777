import { z } from 'zod';
import { isIP } from 'node:net';

/** A duration written as `500ms`, `15s`, `2m`, `1h`, or a bare number of milliseconds. */
export function durationMs(options: { min: number; max: number; default: number }) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return options.default;
      const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
      if (!match) {
        ctx.addIssue({
          code: 'custom',
          message: `"${text}" is not a duration such as 500ms, 15s, 2m or 1h`,
        });
        return z.NEVER;
      }
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
      const ms = Math.round(Number(match[1]) * unit);
      if (ms < options.min || ms > options.max) {
        ctx.addIssue({
          code: 'custom',
          message: `${text} is outside ${options.min}ms..${options.max}ms`,
        });
        return z.NEVER;
      }
      return ms;
    });
}

/** An integer within bounds. */
export function integer(options: { min: number; max: number; default: number }) {
  return z.coerce.number().int().min(options.min).max(options.max).default(options.default);
}

/**
 * V8's old-generation growth between full GCs, % (see limitHeapGrowth): 0 (V8 decides)
 * or 10–300 (below 10 a full GC would follow almost every allocation).
 */
export function heapGrowingPercent(defaultValue: number) {
  return integer({ min: 0, max: 300, default: defaultValue }).refine(
    (value) => value === 0 || value >= 10,
    'must be 0 (V8 decides) or 10 to 300 (below 10 a full GC would follow almost every allocation)',
  );
}

/** A number within bounds (fractions allowed). */
export function fraction(options: { min: number; max: number; default: number }) {
  return z.coerce.number().min(options.min).max(options.max).default(options.default);
}

/** `true/false/1/0/yes/no/on/off`. */
export function flag(defaultValue: boolean) {
  return z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
      message: 'must be one of true, false, 1, 0, yes, no, on, off',
    })
    .optional()
    .transform((text) =>
      text === undefined ? defaultValue : ['true', '1', 'yes', 'on'].includes(text),
    );
}

/** `host:port` (IPv6 in brackets), port 0 allowed to let the kernel choose. */
export const listenAddress = z.string().refine((text) => parseHostPort(text) !== undefined, {
  message: 'must be host:port, e.g. 127.0.0.1:50051 or [::1]:50051',
});

export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const host = match[1] ?? match[2];
  if (match[1] !== undefined && isIP(host) !== 6) return undefined;
  const port = Number(match[3]);
  return port <= 65535 ? { host, port } : undefined;
}
