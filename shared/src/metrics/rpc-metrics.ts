import { isAbortError } from 'abort-controller-x';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import { Counter, Histogram, type Registry } from 'prom-client';

/** A middleware that does nothing: startGrpcServer's outermost one when a service records no RPC metrics. */
export const passThroughMiddleware: ServerMiddleware = async function* passThrough(call, context) {
  return yield* call.next(call.request, context);
};

/** `/gateway.registry.v1.RegistryService/Register` → its service and method. */
export function splitMethodPath(path: string): { service: string; method: string } {
  const match = /^\/([^/]+)\/([^/]+)$/.exec(path);
  return match ? { service: match[1], method: match[2] } : { service: 'unknown', method: path };
}

/** The status a call ended with, as the client sees it (the error middleware runs inside). */
export function statusOf(error: unknown): string {
  if (error instanceof ServerError) return Status[error.code];
  if (isAbortError(error)) return 'CANCELLED';
  return 'UNKNOWN';
}

/**
 * The outermost gRPC middleware: counts every call by service, method and status code
 * (`gateway_grpc_server_handled_total`) and times unary calls
 * (`gateway_grpc_server_handling_seconds`; a stream's duration is how long it stayed open,
 * not a latency, so streams are only counted). Labels are bounded: the methods of the
 * bound services and the 17 status codes.
 */
export function rpcMetricsMiddleware(registry: Registry): ServerMiddleware {
  const handled = new Counter({
    name: 'gateway_grpc_server_handled_total',
    help: 'gRPC calls completed, by service, method and status code',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'gateway_grpc_server_handling_seconds',
    help: 'Duration of unary gRPC calls, by service and method',
    labelNames: ['grpc_service', 'grpc_method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return async function* recordCall(call, context) {
    const { service, method } = splitMethodPath(call.method.path);
    const unary = !call.method.requestStream && !call.method.responseStream;
    const started = performance.now();
    let code = 'OK';
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      code = statusOf(error);
      throw error;
    } finally {
      handled.inc({ grpc_service: service, grpc_method: method, grpc_code: code });
      if (unary)
        latency.observe(
          { grpc_service: service, grpc_method: method },
          (performance.now() - started) / 1000,
        );
    }
  };
}
