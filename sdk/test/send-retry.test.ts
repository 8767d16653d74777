import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { afterAll, describe, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendClient, SendError } from '../src/index.js';
import { httpServer, refusingAddress } from './send-support/http-behaviours.js';

describe('send client: retries of idempotent requests (real local servers)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('retries a GET through two resets and succeeds on the third attempt', async () => {
    const vip = await httpServer((_req, res, hit) =>
      hit <= 2 ? res.socket?.resetAndDestroy() : res.end('third time'),
    );
    closers.push(() => vip.close());
    const client = SendClient({ baseUrl: vip.url, retry: { baseDelayMs: 10, maxDelayMs: 20 } });
    closers.push(() => client.close());
    const response = await client.get('/things/1');
    assert.equal(response.statusCode, 200);
    assert.equal(response.text(), 'third time');
    assert.equal(response.attempts, 3);
    assert.equal(client.stats().retries, 2);
    assert.equal(client.stats().consecutiveFailures, 0, 'the success reset the count');
  });

  it('never retries a POST unless the caller marks it idempotent', async () => {
    const vip = await httpServer((_req, res, hit) =>
      hit === 1 || hit === 2 ? res.socket?.resetAndDestroy() : res.end('created'),
    );
    closers.push(() => vip.close());
    const client = SendClient({ baseUrl: vip.url, retry: { baseDelayMs: 10, maxDelayMs: 20 } });
    closers.push(() => client.close());
    await assert.rejects(
      client.request({ method: 'POST', path: '/orders', body: '{}' }),
      (error: unknown) => {
        assert.ok(error instanceof SendError);
        assert.equal(error.attempts, 1);
        return true;
      },
    );
    assert.equal(vip.hits(), 1);
    const retried = await client.request({
      method: 'POST',
      path: '/orders',
      body: '{}',
      idempotent: true,
    });
    assert.equal(retried.statusCode, 200);
    assert.equal(retried.attempts, 2);
  });

  it('rides out an outage of about 1.5 s (a VIP takeover) with the default policy', async () => {
    const vip = await refusingAddress();
    const server = createServer((_req, res) => res.end('back'));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const failures: string[] = [];
    const client = SendClient({ baseUrl: vip.url, onAttemptFailure: (f) => failures.push(f.kind) });
    closers.push(() => client.close());
    const started = performance.now();
    const pending = client.get('/');
    // The "takeover": the address starts answering 1.5 s later.
    void sleep(1_500).then(() => server.listen(vip.port, '127.0.0.1'));
    const response = await pending;
    const took = Math.round(performance.now() - started);
    assert.equal(response.statusCode, 200);
    assert.ok(response.attempts > 1);
    assert.ok(failures.length > 0 && failures.every((kind) => kind === 'refused'));
    console.log(`# outage of 1.5 s ridden out: ${response.attempts} attempts, ${took} ms`);
  });

  it('gives up with a SendError once the retry budget is spent', async () => {
    const vip = await refusingAddress();
    const client = SendClient({
      baseUrl: vip.url,
      retry: { budgetMs: 300, baseDelayMs: 20, maxDelayMs: 50 },
    });
    closers.push(() => client.close());
    await assert.rejects(client.get('/'), (error: unknown) => {
      assert.ok(error instanceof SendError);
      assert.equal(error.kind, 'refused');
      assert.ok(error.attempts > 1, `retried (${error.attempts} attempts)`);
      return true;
    });
  });
});
