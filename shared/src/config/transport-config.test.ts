import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { listensBeyondLoopback } from '../grpc/plaintext-exposure.js';
import { transportServerOptions } from '../grpc/transport-options.js';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { grpcTransport, transportConfigShape } from './transport-config.js';

const load = (env: Record<string, string>) =>
  grpcTransport(loadConfig(transportConfigShape(64 * 1024), env));

function failure(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('gRPC transport configuration', () => {
  it('defaults to plaintext with bounded messages, streams and keepalive', () => {
    const transport = load({});
    assert.equal(transport.tls, undefined);
    assert.equal(transport.maxReceiveMessageBytes, 64 * 1024);
    assert.equal(transport.maxConcurrentStreams, 1_000);
    assert.equal(transport.maxUnauthenticatedStreams, 64);
    assert.deepEqual(transportServerOptions(transport), {
      'grpc.max_receive_message_length': 64 * 1024,
      'grpc.max_concurrent_streams': 1_000,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.max_connection_idle_ms': 1_800_000,
    });
  });

  it('turns TLS on with certificate and key, mTLS with a client CA', () => {
    const tls = load({ GRPC_TLS_CERT_FILE: '/c.pem', GRPC_TLS_KEY_FILE: '/k.pem' }).tls;
    assert.deepEqual(tls, {
      certFile: '/c.pem',
      keyFile: '/k.pem',
      clientCaFile: undefined,
      reloadIntervalMs: 10_000,
    });
    const mutual = load({
      GRPC_TLS_CERT_FILE: '/c.pem',
      GRPC_TLS_KEY_FILE: '/k.pem',
      GRPC_TLS_CLIENT_CA_FILE: '/ca.pem',
    }).tls;
    assert.equal(mutual?.clientCaFile, '/ca.pem');
  });

  it('refuses half a TLS pair and a client CA without TLS, naming the variable', () => {
    assert.equal(failure({ GRPC_TLS_CERT_FILE: '/c.pem' }).variable, 'GRPC_TLS_KEY_FILE');
    assert.equal(failure({ GRPC_TLS_KEY_FILE: '/k.pem' }).variable, 'GRPC_TLS_CERT_FILE');
    assert.equal(
      failure({ GRPC_TLS_CLIENT_CA_FILE: '/ca.pem' }).variable,
      'GRPC_TLS_CLIENT_CA_FILE',
    );
  });

  it('refuses a receive bound outside 4 KiB..4 MiB, sub-second connection limits and a keepalive timeout as long as the interval', () => {
    assert.equal(
      failure({ GRPC_MAX_RECEIVE_MESSAGE_BYTES: '1000' }).variable,
      'GRPC_MAX_RECEIVE_MESSAGE_BYTES',
    );
    assert.equal(failure({ GRPC_MAX_CONNECTION_AGE: '500ms' }).variable, 'GRPC_MAX_CONNECTION_AGE');
    assert.equal(
      failure({ GRPC_KEEPALIVE_TIME: '10s', GRPC_KEEPALIVE_TIMEOUT: '10s' }).variable,
      'GRPC_KEEPALIVE_TIMEOUT',
    );
    assert.deepEqual(
      transportServerOptions(
        load({ GRPC_MAX_CONNECTION_AGE: '1h', GRPC_MAX_CONNECTION_IDLE: '0' }),
      ),
      {
        'grpc.max_receive_message_length': 64 * 1024,
        'grpc.max_concurrent_streams': 1_000,
        'grpc.keepalive_time_ms': 30_000,
        'grpc.keepalive_timeout_ms': 10_000,
        'grpc.max_connection_age_ms': 3_600_000,
        'grpc.max_connection_age_grace_ms': 300_000,
      },
    );
  });

  it('tells loopback listen addresses from those other machines reach', () => {
    for (const listen of ['127.0.0.1:50051', '127.3.4.5:1', '[::1]:50051', 'localhost:50051'])
      assert.equal(listensBeyondLoopback(listen), false, listen);
    for (const listen of ['0.0.0.0:50051', '10.0.0.5:50051', '[::]:50051', 'center.example:1'])
      assert.equal(listensBeyondLoopback(listen), true, listen);
  });
});
