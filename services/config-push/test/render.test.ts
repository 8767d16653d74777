import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { startNginx, tempDir } from '@gateway/testkit';
import { renderUpstreams } from '../src/render/render-upstreams.js';
import { RENDER_SAMPLE } from '../src/render/stored-instance.fixture.js';

describe('render: the upstream file on a real nginx', () => {
  it('passes nginx -t on a real nginx that includes it, routing through $gateway_upstream', async () => {
    const dir = tempDir('render');
    const file = join(dir, 'gateway-upstreams.conf');
    writeFileSync(
      file,
      renderUpstreams(RENDER_SAMPLE.filter((entry) => entry.spec.host !== 'core.example.internal'))
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
