import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { StoredInstance } from '@gateway/shared';
import { startNginx, tempDir } from '@gateway/testkit';
import { renderUpstreams } from '../src/render/render-upstreams.js';

function instance(
  group: string,
  host: string,
  port: number,
  extra: Partial<StoredInstance['spec']> = {},
): StoredInstance {
  return {
    id: `${group}/${host}/${port}`,
    revision: 1,
    registerTime: 0,
    leaseMs: 15_000,
    fingerprint: 'x',
    spec: {
      group,
      host,
      port,
      weight: 1,
      backup: false,
      adminState: 'enabled',
      metadata: {},
      ...extra,
    },
  };
}

const SAMPLE = [
  instance('payments', '10.0.0.9', 9000, { weight: 3, maxFails: 2, failTimeoutSeconds: 30 }),
  instance('default', '2001:db8::1', 8081, { backup: true }),
  instance('default', '10.0.0.1', 8080, { weight: 5 }),
  instance('default', '10.0.0.1', 80, { adminState: 'draining' }),
  instance('include', 'core.example.internal', 7000),
];

describe('render: the upstream file on a real nginx', () => {
  it('passes nginx -t on a real nginx that includes it, routing through $gateway_upstream', async () => {
    const dir = tempDir('render');
    const file = join(dir, 'gateway-upstreams.conf');
    writeFileSync(
      file,
      renderUpstreams(SAMPLE.filter((entry) => entry.spec.host !== 'core.example.internal'))
        .content,
    );
    const nginx = await startNginx({
      httpConfig: `include ${file};`,
      serverConfig:
        'location / { proxy_pass http://$gateway_upstream; }\nlocation /static { proxy_pass http://gateway_backend; }',
    });
    try {
      assert.equal(await nginx.testConfig(), undefined);
    } finally {
      await nginx.stop();
    }
  });
});
