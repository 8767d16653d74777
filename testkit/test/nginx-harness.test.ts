import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { startNginx } from '../src/nginx.js';

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}

describe('test harness: startNginx', () => {
  it('serves /healthz on its own loopback address, logs JSON, stops, kills and starts again', async () => {
    const nginx = await startNginx({ host: '127.0.0.2' });
    try {
      assert.deepEqual(await get(`${nginx.url}/healthz`), { status: 200, body: 'ok' });
      const entry = nginx.accessLog().find((line) => line.uri === '/healthz');
      assert.ok(entry, 'the probe is in the access log');
      assert.equal(entry.status, 200);
      assert.equal(entry.remote, '127.0.0.1');

      await nginx.stop();
      await assert.rejects(get(`${nginx.url}/healthz`));
      await nginx.start();
      assert.equal((await get(`${nginx.url}/healthz`)).status, 200);
      await nginx.kill();
      await assert.rejects(
        get(`${nginx.url}/healthz`),
        'no orphaned worker keeps serving after kill()',
      );
      await nginx.start();
      assert.equal((await get(`${nginx.url}/healthz`)).status, 200);
    } finally {
      await nginx.stop();
    }
  });

  it('reloads an included file, and reports a config nginx refuses', async () => {
    const include = join(
      await import('node:os').then((os) => os.tmpdir()),
      `gateway-nginx-include-${process.pid}.conf`,
    );
    writeFileSync(include, 'location = /version { return 200 "v1"; }\n');
    const nginx = await startNginx({ host: '127.0.0.3', serverConfig: `include ${include};` });
    try {
      assert.equal((await get(`${nginx.url}/version`)).body, 'v1');
      writeFileSync(include, 'location = /version { return 200 "v2"; }\n');
      await nginx.reload();
      assert.equal((await get(`${nginx.url}/version`)).body, 'v2');
      writeFileSync(include, 'location = /version { return 200 "v3" }\n');
      assert.match((await nginx.testConfig()) ?? '', /emerg/);
      await assert.rejects(nginx.reload(), /refused/);
      assert.equal((await get(`${nginx.url}/version`)).body, 'v2', 'the old config keeps serving');
    } finally {
      await nginx.stop();
    }
  });

  it('refuses non-loopback addresses', async () => {
    await assert.rejects(startNginx({ host: '10.0.0.1' }), /loopback/);
  });
});
