import type { ServiceName } from '@gateway/testkit';

/** The host every service of the local stack listens on. */
export const STACK_HOST = '127.0.0.1';

/**
 * The stack's fixed ports: the services' embedded defaults, so grpcurl, the SDK's
 * defaults and the examples reach them with no flag. Everything else (redis-server,
 * the nodes' nginx and sshd, the cores) takes a free port. The test kit's freePort never
 * hands these out (its SERVICE_DEFAULT_PORTS, checked equal in fixed-ports.test.ts), so
 * tests running in parallel do not take them. Kept here, not imported, so that the
 * port check runs before the test kit is loaded: a second start fails at once.
 */
export const SERVICE_PORTS: Readonly<Record<ServiceName, number>> = {
  registry: 50051,
  health: 50052,
  'config-push': 50053,
};

/** Each service's METRICS_LISTEN port (/metrics, /healthz, /readyz): its embedded default too. */
export const METRICS_PORTS: Readonly<Record<ServiceName, number>> = {
  registry: 9451,
  health: 9452,
  'config-push': 9453,
};

/** The gRPC service each process serves, checked through grpc.health.v1 for that name. */
export const GRPC_SERVICES: Readonly<Record<ServiceName, string>> = {
  registry: 'gateway.registry.v1.RegistryService',
  health: 'gateway.health.v1.NodeHealthService',
  'config-push': 'gateway.configpush.v1.ConfigPushService',
};

export const SERVICE_NAMES = Object.keys(SERVICE_PORTS) as ServiceName[];

/** The status console (gatewayctl console), on its documented default port. */
export const CONSOLE_PORT = 8088;
