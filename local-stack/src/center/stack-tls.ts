import { createTestPki } from '@gateway/testkit';
import type { StackTls } from '../stack-options.js';

/** The stack's transport: the services' GRPC_TLS_* and what a client of theirs presents. */
export type StackTransport = {
  readonly mode: StackTls;
  /** Added to every service's environment. */
  readonly serviceEnv: Readonly<Record<string, string>>;
  /** Added to every gateway-core's environment (the SDK's registrar). */
  readonly coreEnv: Readonly<Record<string, string>>;
  /** For the readiness check and context.json; undefined: plaintext. */
  readonly client: { caFile: string; certFile?: string; keyFile?: string } | undefined;
};

/**
 * Plaintext (the default: loopback only), or a fresh CA with a server certificate for
 * 127.0.0.1 and a client certificate (openssl, in a temp dir removed when the stack exits).
 */
export function stackTransport(mode: StackTls): StackTransport {
  if (mode === 'off') return { mode, serviceEnv: {}, coreEnv: {}, client: undefined };
  const pki = createTestPki();
  const mutual = mode === 'mtls';
  const client = { caFile: pki.caFile, ...(mutual ? pki.client : {}) };
  return {
    mode,
    serviceEnv: {
      GRPC_TLS_CERT_FILE: pki.server.certFile,
      GRPC_TLS_KEY_FILE: pki.server.keyFile,
      ...(mutual ? { GRPC_TLS_CLIENT_CA_FILE: pki.caFile } : {}),
    },
    coreEnv: {
      GATEWAY_TLS_CA_FILE: pki.caFile,
      ...(mutual
        ? { GATEWAY_TLS_CERT_FILE: pki.client.certFile, GATEWAY_TLS_KEY_FILE: pki.client.keyFile }
        : {}),
    },
    client,
  };
}
