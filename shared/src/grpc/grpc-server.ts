import { createServer, type ServerMiddleware } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import {
  ServerReflection as ServerReflectionV1Alpha,
  ServerReflectionService as ServerReflectionServiceV1Alpha,
} from 'nice-grpc-server-reflection-v1alpha';
import { loadDescriptorSet } from '@gateway/proto/descriptor-set';
import type { Logger } from 'pino';
import type { Role } from '../auth/roles.js';
import type { TokenTable } from '../auth/token-table.js';
import { passThroughMiddleware } from '../metrics/rpc-metrics.js';
import { authMiddleware } from './auth-middleware.js';
import { errorMiddleware } from './error-middleware.js';
import type { ServiceBinding } from './service-binding.js';

const HEALTH_SERVICE = 'grpc.health.v1.Health';
const REFLECTION_SERVICES = [
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
];

export type GrpcServer = {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Aborted when shutdown starts: never-ending streams end on it. */
  readonly shutdownSignal: AbortSignal;
  /** Sets grpc.health.v1 status of the server and every bound service. */
  setServing(serving: boolean): void;
  /** NOT_SERVING, end streams, wait for calls in flight up to `timeoutMs`, then cut. */
  shutdown(timeoutMs: number): Promise<void>;
};

/**
 * Starts a nice-grpc server with the standard pieces every service shares: error and
 * logging middleware, bearer-token auth, grpc.health.v1 and server reflection (so
 * grpcurl can list, describe and call every RPC with no .proto file at hand).
 * Health starts NOT_SERVING; the service says when it is ready.
 */
export async function startGrpcServer(options: {
  listen: string;
  logger: Logger;
  tokens: TokenTable | undefined;
  bindings: readonly ServiceBinding[];
  /**
   * Aborted when shutdown starts. Pass the controller whose signal the bindings'
   * streams already watch (they are built before the server); default a new one.
   */
  shutdown?: AbortController;
  /** The outermost middleware: sees every call and the status the client gets (metrics). */
  callMetrics?: ServerMiddleware;
}): Promise<GrpcServer> {
  const { logger, bindings } = options;
  const methodRoles = new Map<string, readonly Role[]>();
  for (const binding of bindings)
    for (const [path, roles] of binding.methodRoles) methodRoles.set(path, roles);

  const server = createServer({
    'grpc.max_receive_message_length': 1024 * 1024,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
  })
    .use(options.callMetrics ?? passThroughMiddleware)
    .use(errorMiddleware(logger))
    .use(authMiddleware(options.tokens, methodRoles, [HEALTH_SERVICE, ...REFLECTION_SERVICES]));

  const health = HealthState();
  const serviceNames = bindings.map((binding) => binding.fullName);
  server.add(HealthDefinition, HealthServiceImpl(health));
  // Reflection v1 for current grpcurl, v1alpha for grpcurl before 1.9 and older tools.
  const descriptorSet = loadDescriptorSet();
  server.add(
    ServerReflectionService,
    ServerReflection(descriptorSet, [...serviceNames, HEALTH_SERVICE]),
  );
  server.add(
    ServerReflectionServiceV1Alpha,
    ServerReflectionV1Alpha(descriptorSet, [...serviceNames, HEALTH_SERVICE]),
  );
  for (const binding of bindings) binding.add(server);

  const setServing = (serving: boolean) => {
    const status = serving ? 'healthy' : 'unhealthy';
    health.setStatus(status);
    for (const name of serviceNames) health.setStatus(status, name);
  };
  setServing(false);

  const port = await server.listen(options.listen);
  const shutdownController = options.shutdown ?? new AbortController();
  logger.info(
    {
      listen: options.listen,
      port,
      services: serviceNames,
      auth: options.tokens ? 'required' : 'DISABLED',
    },
    'grpc server listening',
  );

  return {
    port,
    shutdownSignal: shutdownController.signal,
    setServing,
    async shutdown(timeoutMs) {
      setServing(false);
      shutdownController.abort();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        server.shutdown().then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        logger.warn(
          { timeoutMs },
          'calls still running after the shutdown timeout: cancelling them',
        );
        server.forceShutdown();
      }
    },
  };
}
