import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ClientError, createChannel, createClient, Status, type Channel } from 'nice-grpc';
import { FailureKind, NodeHealthServiceDefinition, ProbeDecision } from '@gateway/proto/health';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  bearer,
  serviceEntry,
  startRedisServer,
  startServiceProcess,
  tempDir,
  type RedisServerHandle,
  type ServiceProcess,
} from '@gateway/testkit';
import { HEALTH_ENTRY } from './support/health-fixture.js';

const SECRETS = {
  sdkA: 'sdk-a-flooding-0123456',
  sdkB: 'sdk-b-quiet-0123456789',
  core: 'core-b-quiet-012345678',
};

const report = (reporter: string) => ({
  reporter,
  target: 'https://vip.example/',
  failureKind: FailureKind.FAILURE_KIND_TIMEOUT,
  consecutiveFailures: 3,
});

describe('health and registry: a flood from one token does not starve the others', () => {
  let redis: RedisServerHandle;
  const services: ServiceProcess[] = [];
  const channels: Channel[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    const tokensFile = join(tempDir('flood'), 'tokens');
    writeFileSync(tokensFile, `sdk:${SECRETS.sdkA}\nsdk:${SECRETS.sdkB}\ncore:${SECRETS.core}\n`, {
      mode: 0o600,
    });
    // A small budget so the flood below is sure to exceed it on any machine.
    const env = {
      REDIS_URL: redis.url,
      GATEWAY_TOKENS_FILE: tokensFile,
      LOG_LEVEL: 'warn',
      GATEWAY_TOKEN_RATE: '20',
      GATEWAY_TOKEN_BURST: '50',
      // Suspect reports admitted per token per minute, whatever `reporter` says.
      HEALTH_REPORT_RATE_LIMIT: '10',
    };
    services.push(
      await startServiceProcess({ name: 'health', entry: HEALTH_ENTRY, env, timeoutMs: 60_000 }),
    );
    services.push(
      await startServiceProcess({
        name: 'registry',
        entry: serviceEntry('registry'),
        env,
        timeoutMs: 60_000,
      }),
    );
  }, 150_000);
  afterAll(async () => {
    for (const channel of channels) channel.close();
    for (const service of services) await service.stop();
    await redis?.stop();
  });

  const open = (address: string) => {
    const channel = createChannel(address);
    channels.push(channel);
    return channel;
  };

  it("token B's ReportSuspect and Register succeed while token A floods ReportSuspect", async () => {
    const [health, registry] = services as [ServiceProcess, ServiceProcess];
    const floodClient = createClient(NodeHealthServiceDefinition, open(health.address), {
      '*': bearer(SECRETS.sdkA),
    });
    const quietHealth = createClient(NodeHealthServiceDefinition, open(health.address), {
      '*': bearer(SECRETS.sdkB),
    });
    const quietRegistry = createClient(RegistryServiceDefinition, open(registry.address), {
      '*': bearer(SECRETS.core),
    });

    const outcomes = new Map<string, number>();
    let sequence = 0;
    // A new `reporter` each time: under the old per-reporter key this bypassed the limit.
    const floodOne = () =>
      floodClient.reportSuspect(report(`flooder-${++sequence}`)).then(
        (answer) =>
          answer.decision === ProbeDecision.PROBE_DECISION_RATE_LIMITED ? 'RATE_LIMITED' : 'OK',
        (error: unknown) => (error instanceof ClientError ? Status[error.code] : 'other'),
      );
    let flooding = true;
    const flood = Promise.all(
      Array.from({ length: 32 }, async () => {
        while (flooding) {
          const outcome = await floodOne();
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
      }),
    );
    try {
      for (let i = 0; i < 10; i++) {
        const answer = await quietHealth.reportSuspect(report(`quiet-${i}`));
        assert.ok(
          answer.decision === ProbeDecision.PROBE_DECISION_STARTED ||
            answer.decision === ProbeDecision.PROBE_DECISION_JOINED,
          `report ${i} of token B admitted (${ProbeDecision[answer.decision]}), whatever A did`,
        );
        const registered = await quietRegistry.register({
          instance: {
            group: 'default',
            host: `10.40.0.${i + 1}`,
            port: 8080,
            weight: 1,
            failTimeout: undefined,
            backup: false,
            adminState: 0,
            metadata: {},
          },
        });
        assert.equal(registered.instance?.ownerToken, 'core-1');
      }
    } finally {
      flooding = false;
      await flood;
    }
    console.log(
      `[figure] flood outcomes from token A: ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );
    assert.ok((outcomes.get('RESOURCE_EXHAUSTED') ?? 0) > 0, 'the flood met the rate limit');
    assert.ok(
      (outcomes.get('RATE_LIMITED') ?? 0) > 0,
      "the flood's reports met the admission limit of its token, new reporter names or not",
    );
    assert.deepEqual(
      [...outcomes.keys()].filter(
        (key) => key !== 'OK' && key !== 'RESOURCE_EXHAUSTED' && key !== 'RATE_LIMITED',
      ),
      [],
      'nothing else than answers and refusals',
    );
  });
});
