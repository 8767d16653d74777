import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startMetricsHttpServer, type MetricsHttpServer } from './metrics-http-server.js';

describe('the metrics HTTP endpoint', () => {
  const registry = new Registry();
  const counter = new Counter({ name: 'gateway_test_total', help: 'test', registers: [registry] });
  let ready = false;
  let server: MetricsHttpServer;
  const get = (path: string, init?: RequestInit) =>
    fetch(`http://127.0.0.1:${server.port}${path}`, {
      ...init,
      signal: AbortSignal.timeout(5_000),
    });

  beforeAll(async () => {
    server = await startMetricsHttpServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      ready: () => ready,
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves the registry in the Prometheus text format', async () => {
    counter.inc(3);
    const response = await get('/metrics');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await response.text(), /^gateway_test_total 3$/m);
  });

  it('answers /healthz always and /readyz only while ready', async () => {
    assert.equal((await get('/healthz')).status, 200);
    assert.equal((await get('/readyz')).status, 503);
    ready = true;
    assert.equal((await get('/readyz')).status, 200);
    assert.equal((await get('/readyz?verbose=1')).status, 200);
  });

  it('answers 404 to other paths and 405 to other methods', async () => {
    assert.equal((await get('/')).status, 404);
    assert.equal((await get('/debug/pprof')).status, 404);
    const post = await get('/metrics', { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  it('stops listening when closed', async () => {
    const other = await startMetricsHttpServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      ready: () => true,
      logger: pino({ level: 'silent' }),
    });
    assert.equal((await fetch(`http://127.0.0.1:${other.port}/healthz`)).status, 200);
    await other.close();
    await assert.rejects(fetch(`http://127.0.0.1:${other.port}/healthz`));
  });
});
