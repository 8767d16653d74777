import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { FailureKind } from '@gateway/proto/health';
import { SendClient, SendError, type SendClientOptions } from '../src/index.js';
import {
  answering,
  hanging,
  httpServer,
  refusingAddress,
  resetting,
} from './send-support/http-behaviours.js';
import { SDK_TOKEN, startReportCenter, type ReportCenter } from './send-support/report-center.js';

const noRetry = { maxAttempts: 1 };

function clientFor(
  baseUrl: string,
  center: ReportCenter,
  extra: Partial<SendClientOptions> = {},
): SendClient {
  return SendClient({
    baseUrl,
    retry: noRetry,
    requestTimeoutMs: 300,
    connectTimeoutMs: 300,
    suspect: {
      centers: [center.address],
      token: SDK_TOKEN,
      reporter: 'send-failures-test',
      minIntervalMs: 0,
    },
    ...extra,
  });
}

async function failThreeTimes(client: SendClient, expectedKind: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await assert.rejects(client.get('/x'), (error: unknown) => {
      assert.ok(error instanceof SendError, `a SendError, got ${String(error)}`);
      assert.equal(error.kind, expectedKind);
      assert.equal(error.attempts, 1);
      return true;
    });
  }
}

describe('send client: which failures count toward a suspect report (real local servers)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });
  const track = <T extends { close(): Promise<void> }>(thing: T): T => {
    closers.push(() => thing.close());
    return thing;
  };

  it('connection refused is counted and the third one reports CONNECTION_REFUSED with the sdk token', async () => {
    const center = track(await startReportCenter());
    const vip = await refusingAddress();
    const client = track(clientFor(vip.url, center));
    await failThreeTimes(client, 'refused');
    await client.reportsIdle();
    assert.equal(center.reports.length, 1);
    const report = center.reports[0];
    assert.equal(report.failureKind, FailureKind.FAILURE_KIND_CONNECTION_REFUSED);
    assert.equal(report.consecutiveFailures, 3);
    assert.equal(report.target, vip.url);
    assert.equal(report.reporter, 'send-failures-test');
    assert.equal(report.authorization, `Bearer ${SDK_TOKEN}`);
    assert.equal(client.stats().consecutiveFailures, 3);
  });

  it('a request that gets no answer in time is counted as TIMEOUT', async () => {
    const center = track(await startReportCenter());
    const vip = track(await hanging());
    const client = track(clientFor(vip.url, center));
    await failThreeTimes(client, 'timeout');
    await client.reportsIdle();
    assert.equal(center.reports.length, 1);
    assert.equal(center.reports[0].failureKind, FailureKind.FAILURE_KIND_TIMEOUT);
  });

  it('a connection reset is counted as CONNECTION_RESET', async () => {
    const center = track(await startReportCenter());
    const vip = track(await resetting());
    const client = track(clientFor(vip.url, center));
    await failThreeTimes(client, 'reset');
    await client.reportsIdle();
    assert.equal(vip.hits(), 3, 'each attempt reached the server and was reset');
    assert.equal(center.reports.length, 1);
    assert.equal(center.reports[0].failureKind, FailureKind.FAILURE_KIND_CONNECTION_RESET);
  });

  it('HTTP 5xx answers are the backend speaking: returned to the caller, never counted, never reported', async () => {
    const center = track(await startReportCenter());
    const vip = track(await answering(503));
    const client = track(clientFor(vip.url, center));
    for (let i = 0; i < 10; i++) {
      const response = await client.get('/x');
      assert.equal(response.statusCode, 503);
      assert.equal(response.attempts, 1);
    }
    await client.reportsIdle();
    assert.equal(client.stats().consecutiveFailures, 0);
    assert.equal(client.stats().networkFailures, 0);
    assert.equal(center.reports.length, 0);
  });

  it('a success resets the count: fail, fail, succeed, fail, fail never reaches the threshold of 3', async () => {
    const center = track(await startReportCenter());
    const vip = track(
      await httpServer((_req, res, hit) => {
        if (hit === 3) res.end('ok');
        else res.socket?.resetAndDestroy();
      }),
    );
    const client = track(clientFor(vip.url, center));
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(
        await client.get('/x').then(
          (r) => String(r.statusCode),
          (e: SendError) => e.kind,
        ),
      );
    }
    assert.deepEqual(outcomes, ['reset', 'reset', '200', 'reset', 'reset']);
    await client.reportsIdle();
    assert.equal(client.stats().consecutiveFailures, 2);
    assert.equal(client.stats().networkFailures, 4);
    assert.equal(center.reports.length, 0);
  });
});
