import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { summaryText } from './summary.js';

const stack = {
  redisUrl: 'redis://127.0.0.1:40000',
  services: [
    {
      name: 'registry',
      address: '127.0.0.1:50051',
      grpcService: 'gateway.registry.v1.RegistryService',
      metricsAddress: '127.0.0.1:9451',
    },
  ] as const,
  console: 'http://127.0.0.1:8088/',
  tokens: { admin: 'admin-token', core: 'core-token', sdk: 'sdk-token' },
  tokensFile: '/repo/.local-stack/tokens',
  sshPublicKeyFile: '/repo/.local-stack/id_ed25519.pub',
  nodes: [
    {
      ip: '127.0.0.2',
      url: 'http://127.0.0.2:41000/',
      ssh: 'root@127.0.0.2:41001',
      renderedFile: '/tmp/x.conf',
    },
  ],
  cores: [{ id: 'core-1', url: 'http://127.0.0.1:42000/' }],
};

describe('the summary of the local stack', () => {
  it('names the addresses (the status console among them), the metrics endpoints, the tokens, a grpcurl line and a curl line', () => {
    const text = summaryText(stack);
    for (const expected of [
      'redis://127.0.0.1:40000',
      '127.0.0.1:50051',
      'http://127.0.0.2:41000/',
      'http://127.0.0.1:42000/',
      'console      http://127.0.0.1:8088/',
      'admin-token',
      'core-token',
      'sdk-token',
      "grpcurl -plaintext -H 'authorization: Bearer admin-token'",
      'curl http://127.0.0.2:41000/',
      'http://127.0.0.1:9451/metrics',
    ])
      assert.ok(text.includes(expected), `missing ${expected}`);
  });

  it('shows grpcurl with the CA and client certificate when the stack serves mTLS', () => {
    const text = summaryText({
      ...stack,
      clientTls: { caFile: '/t/ca.crt', certFile: '/t/client.crt', keyFile: '/t/client.key' },
    });
    assert.ok(
      text.includes(
        "grpcurl -cacert /t/ca.crt -cert /t/client.crt -key /t/client.key -H 'authorization: Bearer admin-token'",
      ),
      text,
    );
    assert.doesNotMatch(text, /-plaintext/);
  });

  it('says why there are no nodes when the data plane did not run', () => {
    const text = summaryText({ ...stack, nodes: [], cores: [] });
    assert.match(text, /no Nginx nodes or cores: the local data plane needs root/);
    assert.doesNotMatch(text, /^ {2}curl /m);
  });
});
