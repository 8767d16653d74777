import type { GrpcTransport } from '../config/transport-config.js';

/**
 * The grpc-js server options for the transport limits. A request message whose length
 * prefix exceeds `maxReceiveMessageBytes` is refused with RESOURCE_EXHAUSTED as the
 * prefix is read, before anything is buffered or decoded (and a compressed one as soon as
 * its inflated size passes the bound). `grpc.max_concurrent_streams` is sent to every
 * client in HTTP/2 SETTINGS: more streams on one connection are refused by HTTP/2 itself.
 */
export function transportServerOptions(transport: GrpcTransport): Record<string, number> {
  return {
    'grpc.max_receive_message_length': transport.maxReceiveMessageBytes,
    'grpc.max_concurrent_streams': transport.maxConcurrentStreams,
    'grpc.keepalive_time_ms': transport.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': transport.keepaliveTimeoutMs,
    // grpc-js reads 0 as "now": an unset limit is left out (grpc-js' default: none).
    ...(transport.maxConnectionIdleMs > 0
      ? { 'grpc.max_connection_idle_ms': transport.maxConnectionIdleMs }
      : {}),
    ...(transport.maxConnectionAgeMs > 0
      ? {
          'grpc.max_connection_age_ms': transport.maxConnectionAgeMs,
          'grpc.max_connection_age_grace_ms': transport.maxConnectionAgeGraceMs,
        }
      : {}),
  };
}
