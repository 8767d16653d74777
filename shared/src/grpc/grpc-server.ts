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
import { tokenLimitsMiddleware, type TokenLimits } from '../limits/token-limits-middleware.js';
import { auditMiddleware, type AuditTarget } from './audit-middleware.js';
import type { GrpcTransport } from '../config/transport-config.js';
import { serverTls } from '../tls/server-credentials.js';
import { passThroughMiddleware } from '../metrics/rpc-metrics.js';
import { authMiddleware } from './auth-middleware.js';
import { errorMiddleware } from './error-middleware.js';
import { listensBeyondLoopback } from './plaintext-exposure.js';
import { requestDecodingMiddleware } from './request-decoding-middleware.js';
import { requestTypeNames } from './request-type-names.js';
import type { ServiceBinding } from './service-binding.js';
import { transportServerOptions } from './transport-options.js';
import { guardRequestDecoding } from './undecodable-request.js';
import { unauthenticatedStreamLimit } from './unauthenticated-stream-limit.js';

const HEALTH_SERVICE = 'grpc.health.v1.Health';
const REFLECTION_SERVICES = [
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
];
/** The streams anyone who can connect may open (no token): counted and capped. */
const UNAUTHENTICATED_STREAMS = new Set([
  `/${HEALTH_SERVICE}/Watch`,
  ...REFLECTION_SERVICES.map((service) => `/${service}/ServerReflectionInfo`),
]);

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
 * logging middleware, bearer-token auth, per-token limits, INVALID_ARGUMENT for request
 * bytes that do not decode, grpc.health.v1 and server reflection (so grpcurl can list,
 * describe and call every RPC with no .proto file at hand).
 * Health starts NOT_SERVING; the service says when it is ready.
 */
export async function startGrpcServer(options: {
  listen: string;
  logger: Logger;
  tokens: TokenTable | undefined;
  bindings: readonly ServiceBinding[];
  /** Per-token rate and stream limits (GATEWAY_TOKEN_RATE, _BURST, _MAX_STREAMS). */
  limits: TokenLimits;
  /** TLS and the transport limits (see grpcTransport). */
  transport: GrpcTransport;
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
  const audited = new Map<string, AuditTarget>();
  const rateLimited = new Set<string>();
  for (const binding of bindings) {
    for (const [path, roles] of binding.methodRoles) methodRoles.set(path, roles);
    for (const [path, target] of binding.audited) audited.set(path, target);
    for (const path of binding.rateLimited) rateLimited.add(path);
  }

  const descriptorSet = loadDescriptorSet();
  const server = createServer(transportServerOptions(options.transport))
    .use(options.callMetrics ?? passThroughMiddleware)
    // The audit log is a logger of its own (`"log":"audit"` on every line): see docs/security.md.
    .use(auditMiddleware(logger.child({ log: 'audit' }), audited))
    .use(errorMiddleware(logger))
    .use(
      unauthenticatedStreamLimit(
        UNAUTHENTICATED_STREAMS,
        options.transport.maxUnauthenticatedStreams,
      ),
    )
    .use(authMiddleware(options.tokens, methodRoles, [HEALTH_SERVICE, ...REFLECTION_SERVICES]))
    .use(tokenLimitsMiddleware(options.limits, rateLimited, logger))
    // Bytes that are not the request message: INVALID_ARGUMENT, not grpc-js's INTERNAL.
    .use(requestDecodingMiddleware(requestTypeNames(descriptorSet)));

  const health = HealthState();
  const serviceNames = bindings.map((binding) => binding.fullName);
  server.add(guardRequestDecoding(HealthDefinition), HealthServiceImpl(health));
  // Reflection v1 for current grpcurl, v1alpha for grpcurl before 1.9 and older tools.
  server.add(
    guardRequestDecoding(ServerReflectionService),
    ServerReflection(descriptorSet, [...serviceNames, HEALTH_SERVICE]),
  );
  server.add(
    guardRequestDecoding(ServerReflectionServiceV1Alpha),
    ServerReflectionV1Alpha(descriptorSet, [...serviceNames, HEALTH_SERVICE]),
  );
  for (const binding of bindings) binding.add(server);

  const setServing = (serving: boolean) => {
    const status = serving ? 'healthy' : 'unhealthy';
    health.setStatus(status);
    for (const name of serviceNames) health.setStatus(status, name);
  };
  setServing(false);

  const tls = serverTls(options.transport, logger);
  let port: number;
  try {
    port = await server.listen(options.listen, tls.credentials);
  } catch (error) {
    tls.close();
    throw error;
  }
  const shutdownController = options.shutdown ?? new AbortController();
  logger.info(
    {
      listen: options.listen,
      port,
      services: serviceNames,
      auth: options.tokens ? 'required' : 'DISABLED',
      tokens: options.tokens?.identities.map((identity) => identity.name),
      limits: options.limits,
      transport: tls.mode,
    },
    'grpc server listening',
  );
  if (tls.mode === 'plaintext' && listensBeyondLoopback(options.listen))
    logger.warn(
      { listen: options.listen },
      'grpc server is PLAINTEXT on a non-loopback address: set GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE',
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
      tls.close();
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
