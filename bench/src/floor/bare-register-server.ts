/**
 * The floor of the register-throughput benchmark, run as its own process: a bare
 * nice-grpc server (no auth, no validation, no middleware) whose Register does one Redis
 * round trip (HSET) and answers. It serves the registry's own service definition, so the
 * benchmark drives it with the very client it drives the registry with.
 *
 * Env: REDIS_URL, GRPC_LISTEN (host:port). Stops on SIGTERM.
 */
import { createServer, ServerError, Status } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl } from 'nice-grpc-server-health';
import { Redis } from 'ioredis';
import { RegisterResponse, RegistryServiceDefinition } from '@gateway/proto/registry';

/** The floor's own hash, beside (never inside) the registry's keys. */
const FLOOR_HASH = 'bench:floor:register';

const redisUrl = process.env['REDIS_URL'];
const listen = process.env['GRPC_LISTEN'];
if (!redisUrl || !listen) {
  console.error('bare-register-server: REDIS_URL and GRPC_LISTEN are required');
  process.exit(2);
}

const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
const unimplemented = () => {
  throw new ServerError(Status.UNIMPLEMENTED, 'the floor serves Register only');
};
const server = createServer();
server.add(RegistryServiceDefinition, {
  async register(request) {
    const spec = request.instance;
    await redis.hset(FLOOR_HASH, `${spec?.group}/${spec?.host}:${spec?.port}`, '1');
    return RegisterResponse.fromPartial({ created: true });
  },
  heartbeat: unimplemented,
  deregister: unimplemented,
  listInstances: unimplemented,
  watchInstances: unimplemented,
});
server.add(HealthDefinition, HealthServiceImpl());
await server.listen(listen);

process.once('SIGTERM', () => {
  void server.shutdown().then(() => {
    redis.disconnect();
    process.exit(0);
  });
});
