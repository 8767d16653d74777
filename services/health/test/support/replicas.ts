import { startServiceProcess, type ServiceProcess } from '@gateway/testkit';
import { HEALTH_ENTRY, TOKENS_ENV } from './health-fixture.js';

/** Starts `count` health replicas as separate processes (the compiled entry) on one Redis. */
export async function startReplicas(
  redisUrl: string,
  count: number,
  env: Record<string, string> = {},
): Promise<ServiceProcess[]> {
  const replicas: ServiceProcess[] = [];
  for (let index = 0; index < count; index++) {
    replicas.push(
      await startServiceProcess({
        name: `health-${String.fromCharCode(97 + index)}`,
        entry: HEALTH_ENTRY,
        env: {
          REDIS_URL: redisUrl,
          GATEWAY_TOKENS: TOKENS_ENV,
          HEALTH_REPLICA_ID: `replica-${String.fromCharCode(97 + index)}`,
          LOG_LEVEL: 'warn',
          ...env,
        },
        timeoutMs: 30_000,
      }),
    );
  }
  return replicas;
}
