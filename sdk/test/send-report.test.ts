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
import { SendClient, SendError, type ReportOutcome } from '../src/index.js';
import { refusingAddress, silentTcp } from './send-support/http-behaviours.js';
import { SDK_TOKEN, startReportCenter } from './send-support/report-center.js';

describe('send client: suspect reports are asynchronous, rate-limited and fail over (real gRPC servers)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('a center that hangs never slows the caller, and its failure never reaches the caller', async () => {
    const center = await silentTcp();
    closers.push(() => center.close());
    const vip = await refusingAddress();
    const events: string[] = [];
    const outcomes: ReportOutcome[] = [];
    const client = SendClient({
      baseUrl: vip.url,
      retry: { maxAttempts: 1 },
      suspect: {
        centers: [center.address],
        token: SDK_TOKEN,
        reporter: 'hang-test',
        deadlineMs: 1_500,
        onOutcome: (outcome) => {
          outcomes.push(outcome);
          events.push(`report:${outcome.result}`);
        },
      },
    });
    closers.push(() => client.close());
    const latencies: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = performance.now();
      await assert.rejects(client.get('/'), SendError);
      latencies.push(performance.now() - started);
      events.push('call-settled');
    }
    // Calls 4-6 came while the report to the hung center was in flight: all settled before it ended.
    await waitFor(
      'the report to the hung center to time out',
      () => outcomes.some((o) => o.result === 'failed'),
      { timeoutMs: 10_000 },
    );
    const firstReportEnd = events.indexOf('report:failed');
    assert.equal(
      events.slice(0, firstReportEnd).filter((e) => e === 'call-settled').length,
      6,
      `order: ${events.join(', ')}`,
    );
    assert.ok(center.connections() >= 1, 'the report did reach the hung center');
    const failed = outcomes.find((o) => o.result === 'failed');
    assert.ok(
      failed && failed.result === 'failed' && failed.durationMs >= 1_400,
      'it waited for its own deadline, not the caller',
    );
    console.log(
      `# caller latencies while the center hangs (ms): ${latencies.map((l) => l.toFixed(1)).join(', ')}; report gave up after ${failed.durationMs.toFixed(0)} ms`,
    );
    assert.deepEqual(client.stats().suspectReports, {
      sent: 0,
      failed: 1,
      rateLimited: 0,
      inFlightSkipped: 3,
    });
  });

  it('the rate limit holds: 40 failures in a burst send one report; another goes once the interval has passed', async () => {
    const center = await startReportCenter();
    closers.push(() => center.close());
    const vip = await refusingAddress();
    const client = SendClient({
      baseUrl: vip.url,
      retry: { maxAttempts: 1 },
      suspect: {
        centers: [center.address],
        token: SDK_TOKEN,
        reporter: 'rate-test',
        minIntervalMs: 800,
      },
    });
    closers.push(() => client.close());
    const burstStarted = performance.now();
    for (let i = 0; i < 40; i++) await assert.rejects(client.get('/'), SendError);
    const burstMs = performance.now() - burstStarted;
    await client.reportsIdle();
    if (burstMs < 800) assert.equal(center.reports.length, 1, 'one report for the whole burst');
    const stats = client.stats().suspectReports!;
    assert.equal(
      stats.sent + stats.rateLimited + stats.inFlightSkipped,
      38,
      'failures 3..40 each asked for a report',
    );
    assert.ok(
      center.reports.length <= Math.ceil(burstMs / 800),
      `${center.reports.length} reports in ${burstMs.toFixed(0)} ms`,
    );
    const before = center.reports.length;
    const lastReport = center.reports.at(-1)!.at;
    await waitFor('the rate-limit interval to pass', () => performance.now() - lastReport > 850, {
      timeoutMs: 5_000,
    });
    await assert.rejects(client.get('/'), SendError);
    await client.reportsIdle();
    assert.equal(center.reports.length, before + 1);
    assert.equal(center.reports.at(-1)!.consecutiveFailures, 41);
  });

  it('reports go round robin over the centers and fail over past a dead one', async () => {
    const a = await startReportCenter();
    const b = await startReportCenter();
    closers.push(
      () => a.close(),
      () => b.close(),
    );
    const dead = await refusingAddress();
    const vip = await refusingAddress();
    const client = SendClient({
      baseUrl: vip.url,
      retry: { maxAttempts: 1 },
      suspect: {
        centers: [a.address, `127.0.0.1:${dead.port}`, b.address],
        token: SDK_TOKEN,
        reporter: 'rr-test',
        minIntervalMs: 0,
        deadlineMs: 1_000,
      },
    });
    closers.push(() => client.close());
    for (let i = 0; i < 2; i++) await assert.rejects(client.get('/'), SendError);
    for (let i = 0; i < 6; i++) {
      await assert.rejects(client.get('/'), SendError);
      await client.reportsIdle();
    }
    // Starts: a, dead→b, b, a, dead→b, b.
    assert.equal(a.reports.length, 2);
    assert.equal(b.reports.length, 4);
    assert.deepEqual(client.stats().suspectReports, {
      sent: 6,
      failed: 0,
      rateLimited: 0,
      inFlightSkipped: 0,
    });
  });

  it('a token the real health service rejects is a failed report, never an error for the caller', async () => {
    const redis = await startRedisServer();
    closers.push(() => redis.stop());
    const health = await startServiceProcess({
      name: 'health',
      entry: serviceEntry('health'),
      env: { REDIS_URL: redis.url, GATEWAY_TOKENS: TEST_TOKENS_ENV, LOG_LEVEL: 'warn' },
    });
    closers.push(async () => void (await health.stop()));
    const vip = await refusingAddress();
    /** A client whose third refused request reports to the health service with `token`. */
    const reportWith = async (token: string): Promise<ReportOutcome[]> => {
      const outcomes: ReportOutcome[] = [];
      const client = SendClient({
        baseUrl: vip.url,
        retry: { maxAttempts: 1 },
        suspect: {
          centers: [health.address],
          token,
          reporter: 'auth-test',
          onOutcome: (o) => outcomes.push(o),
        },
      });
      try {
        for (let i = 0; i < 3; i++)
          await assert.rejects(
            client.get('/'),
            (e: unknown) => e instanceof SendError && e.kind === 'refused',
          );
        await client.reportsIdle();
      } finally {
        await client.close();
      }
      return outcomes;
    };

    const rejected = await reportWith('wrong-token-0123456789');
    assert.equal(rejected.length, 1);
    const outcome = rejected[0];
    assert.equal(outcome.result, 'failed');
    assert.match(outcome.result === 'failed' ? outcome.errors.join() : '', /UNAUTHENTICATED/);

    // The same report with the sdk token is taken: the token alone made the difference.
    const accepted = await reportWith(TEST_TOKENS.sdk);
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0].result, 'sent', JSON.stringify(accepted[0]));
  });
});
