import { experimental, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { GrpcTransport } from '../config/transport-config.js';
import { ReloadingCertificates } from './reloading-certificates.js';

export type ServerTls = {
  readonly credentials: ServerCredentials;
  readonly mode: 'plaintext' | 'tls' | 'mtls';
  /** Stops watching the certificate files. */
  close(): void;
};

/**
 * The server's credentials: plaintext, or TLS from files re-read while running, with
 * client certificates required (mTLS) when a client CA is set.
 */
export function serverTls(transport: GrpcTransport, logger: Logger): ServerTls {
  const tls = transport.tls;
  if (!tls)
    return { credentials: ServerCredentials.createInsecure(), mode: 'plaintext', close() {} };
  const mutual = tls.clientCaFile !== undefined;
  const certificates = ReloadingCertificates({
    files: tls,
    reloadIntervalMs: tls.reloadIntervalMs,
    logger,
    transport: mutual ? 'mtls' : 'tls',
  });
  // grpc-js 1.14 hands its first argument to the identity and the second to the CA
  // (the declared parameter names are the other way round); ours provides both.
  const credentials = experimental.createCertificateProviderServerCredentials(
    certificates,
    mutual ? certificates : null,
    mutual,
  );
  return { credentials, mode: mutual ? 'mtls' : 'tls', close: () => certificates.close() };
}
