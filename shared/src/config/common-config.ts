import { z } from 'zod';
import { durationMs, fraction, integer, listenAddress } from './env-types.js';
import { transportConfigShape } from './transport-config.js';

const redisUrl = z
  .string()
  .default('redis://127.0.0.1:6379')
  .refine(
    (text) => {
      try {
        const url = new URL(text);
        return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'must be redis://[:password@]host[:port][/db] or rediss:// for TLS' },
  );

const sentinelList = z
  .string()
  .optional()
  .refine(
    (text) =>
      text === undefined ||
      text.split(',').every((entry) => /^[^\s,]+:\d{1,5}$/.test(entry.trim())),
    {
      message: 'must be a comma-separated list of host:port',
    },
  );

/** The default bound on one request message (well above any valid request of ours). */
export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 64 * 1024;

/**
 * The variables every service reads (the operator contract). Each service adds its
 * own and supplies its default listen address and request size bound.
 */
export function commonConfigShape(
  defaultListen: string,
  defaultMaxReceiveBytes = DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
) {
  return {
    ...transportConfigShape(defaultMaxReceiveBytes),
    REDIS_URL: redisUrl,
    REDIS_SENTINELS: sentinelList,
    REDIS_SENTINEL_MASTER: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .default('mymaster'),
    REDIS_SENTINEL_PASSWORD: z.string().optional(),
    REDIS_TLS_CA_FILE: z.string().optional(),
    /** A client certificate and its key, for a Redis with `tls-auth-clients yes` (both or neither). */
    REDIS_TLS_CERT_FILE: z.string().optional(),
    REDIS_TLS_KEY_FILE: z.string().optional(),
    REDIS_COMMAND_TIMEOUT: durationMs({ min: 100, max: 60_000, default: 2_000 }),
    REDIS_FAILOVER_FENCE_TIMEOUT: durationMs({ min: 1_000, max: 600_000, default: 15_000 }),
    GRPC_LISTEN: listenAddress.default(defaultListen),
    GATEWAY_TOKENS: z.string().optional(),
    GATEWAY_TOKENS_FILE: z.string().optional(),
    GATEWAY_AUTH: z
      .enum(['required', 'disabled'], { message: 'must be "required" or "disabled"' })
      .default('required'),
    // Per-token limits of each process (docs/security.md#rate-limits): the mutating RPCs and
    // ReportSuspect of one token share a bucket of GATEWAY_TOKEN_BURST refilled at
    // GATEWAY_TOKEN_RATE per second; GATEWAY_TOKEN_MAX_STREAMS Watch streams per token at once.
    GATEWAY_TOKEN_RATE: fraction({ min: 0.01, max: 1_000_000, default: 100 }),
    GATEWAY_TOKEN_BURST: integer({ min: 1, max: 1_000_000, default: 500 }),
    GATEWAY_TOKEN_MAX_STREAMS: integer({ min: 1, max: 100_000, default: 64 }),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    SHUTDOWN_TIMEOUT: durationMs({ min: 100, max: 120_000, default: 4_000 }),
  };
}

export type CommonConfig = z.infer<z.ZodObject<ReturnType<typeof commonConfigShape>>>;
