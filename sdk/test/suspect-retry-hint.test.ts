import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import {
  serviceEntry,
  startRedisServer,
  startServiceProcess,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  waitFor,
} from '@gateway/testkit';
import { SuspectReporter, type ReportOutcome } from '../src/index.js';

describe('suspect reporter honours the health service retry-after-ms hint (real health service, tight token rate)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('after RESOURCE_EXHAUSTED no report starts before the hinted wait; the next one after it is sent', async () => {
    const redis = await startRedisServer();
    closers.push(() => redis.stop());
    const health = await startServiceProcess({
      name: 'health',
      entry: serviceEntry('health'),
      env: {
        REDIS_URL: redis.url,
        GATEWAY_TOKENS: TEST_TOKENS_ENV,
        GATEWAY_TOKEN_RATE: '0.4',
        GATEWAY_TOKEN_BURST: '1',
        LOG_LEVEL: 'warn',
      },
    });
    closers.push(async () => void (await health.stop()));
    const outcomes: Array<{ at: number; outcome: ReportOutcome }> = [];
    const reporter = SuspectReporter({
      // The same replica twice: a refusal over the rate must not fail over to it.
      centers: [health.address, health.address],
      token: TEST_TOKENS.sdk,
      reporter: 'retry-hint-test',
      target: 'http://10.249.0.100:80',
      minIntervalMs: 0,
      onOutcome: (outcome) => outcomes.push({ at: performance.now(), outcome }),
    });
    closers.push(() => Promise.resolve(reporter.close()));

    reporter.report('refused', 3);
    await reporter.idle();
    reporter.report('refused', 4);
    await reporter.idle();
    assert.deepEqual(
      outcomes.map(({ outcome }) => outcome.result),
      ['sent', 'failed'],
      JSON.stringify(outcomes),
    );
    const refusal = outcomes[1];
    const hintMs = refusal.outcome.result === 'failed' ? refusal.outcome.retryAfterMs : undefined;
    assert.ok(hintMs !== undefined && hintMs > 1_000, `a hint of about 2.5 s: ${hintMs}`);
    assert.equal(
      refusal.outcome.result === 'failed' ? refusal.outcome.errors.length : 0,
      1,
      'the other center was not tried',
    );

    // Reports asked for during the hint are held back, not sent.
    let heldBack = 0;
    while (performance.now() - refusal.at < hintMs - 200) {
      reporter.report('refused', 5);
      await reporter.idle();
      heldBack += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(heldBack > 5);
    assert.ok(
      outcomes.slice(2).every(({ outcome }) => outcome.result === 'rate-limited'),
      JSON.stringify(outcomes.slice(2).filter(({ outcome }) => outcome.result !== 'rate-limited')),
    );

    await waitFor('the hinted wait to pass', () => performance.now() - refusal.at > hintMs + 50, {
      timeoutMs: 10_000,
    });
    reporter.report('refused', 6);
    await reporter.idle();
    const last = outcomes.at(-1)!;
    assert.equal(last.outcome.result, 'sent', JSON.stringify(last.outcome));
    console.log(
      `[figure] suspect reporter: hinted ${hintMs} ms, ${heldBack} reports held back during it, next report sent ${(last.at - refusal.at).toFixed(0)} ms after the refusal`,
    );
    assert.deepEqual(reporter.stats(), {
      sent: 2,
      failed: 1,
      rateLimited: heldBack,
      inFlightSkipped: 0,
    });
  });
});
