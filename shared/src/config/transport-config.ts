import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { durationMs, integer } from './env-types.js';
import type { ServerTlsFiles } from '../tls/tls-material.js';

const KIB = 1024;

/**
 * The gRPC transport variables every service reads: TLS from files and the limits a
 * connection must live within. `defaultMaxReceiveBytes` is the service's own bound on
 * one request message (well above its largest valid request).
 */
export function transportConfigShape(defaultMaxReceiveBytes: number) {
  return {
    GRPC_TLS_CERT_FILE: z.string().optional(),
    GRPC_TLS_KEY_FILE: z.string().optional(),
    GRPC_TLS_CLIENT_CA_FILE: z.string().optional(),
    GRPC_TLS_RELOAD_INTERVAL: durationMs({ min: 100, max: 3_600_000, default: 10_000 }),
    GRPC_MAX_RECEIVE_MESSAGE_BYTES: integer({
      min: 4 * KIB,
      max: 4 * KIB * KIB,
      default: defaultMaxReceiveBytes,
    }),
    GRPC_MAX_CONCURRENT_STREAMS: integer({ min: 1, max: 100_000, default: 1_000 }),
    GRPC_MAX_UNAUTHENTICATED_STREAMS: integer({ min: 1, max: 100_000, default: 64 }),
    GRPC_KEEPALIVE_TIME: durationMs({ min: 1_000, max: 7_200_000, default: 30_000 }),
    GRPC_KEEPALIVE_TIMEOUT: durationMs({ min: 1_000, max: 600_000, default: 10_000 }),
    GRPC_MAX_CONNECTION_IDLE: durationMs({ min: 0, max: 604_800_000, default: 1_800_000 }),
    GRPC_MAX_CONNECTION_AGE: durationMs({ min: 0, max: 604_800_000, default: 0 }),
    GRPC_MAX_CONNECTION_AGE_GRACE: durationMs({ min: 0, max: 86_400_000, default: 300_000 }),
  };
}

type TransportShape = ReturnType<typeof transportConfigShape>;
export type TransportConfig = z.infer<z.ZodObject<TransportShape>>;

/** The gRPC server's transport, checked across variables. */
export type GrpcTransport = {
  /** Undefined: plaintext. */
  readonly tls: (ServerTlsFiles & { readonly reloadIntervalMs: number }) | undefined;
  readonly maxReceiveMessageBytes: number;
  readonly maxConcurrentStreams: number;
  readonly maxUnauthenticatedStreams: number;
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  /** 0: never closed for idleness. */
  readonly maxConnectionIdleMs: number;
  /** 0: no age limit. */
  readonly maxConnectionAgeMs: number;
  readonly maxConnectionAgeGraceMs: number;
};

/** Checks what one variable alone cannot: TLS files come as a pair, durations of 0 or >= 1 s. */
export function grpcTransport(config: TransportConfig): GrpcTransport {
  const cert = config.GRPC_TLS_CERT_FILE;
  const key = config.GRPC_TLS_KEY_FILE;
  if ((cert === undefined) !== (key === undefined))
    throw new ConfigError(
      cert === undefined ? 'GRPC_TLS_CERT_FILE' : 'GRPC_TLS_KEY_FILE',
      'GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE turn TLS on together: set both or neither',
    );
  if (config.GRPC_TLS_CLIENT_CA_FILE !== undefined && cert === undefined)
    throw new ConfigError(
      'GRPC_TLS_CLIENT_CA_FILE',
      'client certificates (mTLS) need TLS: set GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE too',
    );
  for (const name of ['GRPC_MAX_CONNECTION_IDLE', 'GRPC_MAX_CONNECTION_AGE'] as const) {
    if (config[name] !== 0 && config[name] < 1_000)
      throw new ConfigError(name, 'must be 0 (off) or at least 1s');
  }
  if (config.GRPC_KEEPALIVE_TIMEOUT >= config.GRPC_KEEPALIVE_TIME)
    throw new ConfigError('GRPC_KEEPALIVE_TIMEOUT', 'must be shorter than GRPC_KEEPALIVE_TIME');
  return {
    tls:
      cert !== undefined && key !== undefined
        ? {
            certFile: cert,
            keyFile: key,
            clientCaFile: config.GRPC_TLS_CLIENT_CA_FILE,
            reloadIntervalMs: config.GRPC_TLS_RELOAD_INTERVAL,
          }
        : undefined,
    maxReceiveMessageBytes: config.GRPC_MAX_RECEIVE_MESSAGE_BYTES,
    maxConcurrentStreams: config.GRPC_MAX_CONCURRENT_STREAMS,
    maxUnauthenticatedStreams: config.GRPC_MAX_UNAUTHENTICATED_STREAMS,
    keepaliveTimeMs: config.GRPC_KEEPALIVE_TIME,
    keepaliveTimeoutMs: config.GRPC_KEEPALIVE_TIMEOUT,
    maxConnectionIdleMs: config.GRPC_MAX_CONNECTION_IDLE,
    maxConnectionAgeMs: config.GRPC_MAX_CONNECTION_AGE,
    maxConnectionAgeGraceMs: config.GRPC_MAX_CONNECTION_AGE_GRACE,
  };
}
