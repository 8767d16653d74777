import { ConfigError } from '../config/config-error.js';
import {
  grpcTransport,
  type GrpcTransport,
  type TransportConfig,
} from '../config/transport-config.js';
import { readTlsMaterialSync, TlsMaterialError } from './tls-material.js';

const VARIABLE = {
  certificate: 'GRPC_TLS_CERT_FILE',
  key: 'GRPC_TLS_KEY_FILE',
  'client CA': 'GRPC_TLS_CLIENT_CA_FILE',
} as const;

/**
 * The transport settings, checked at startup: the variables together and, with TLS, the
 * files themselves (readable, PEM, the key matching the certificate). A problem is a
 * ConfigError naming the variable and the file, never the file's content.
 */
export function checkedGrpcTransport(config: TransportConfig): GrpcTransport {
  const transport = grpcTransport(config);
  if (transport.tls) {
    try {
      readTlsMaterialSync(transport.tls);
    } catch (error) {
      if (error instanceof TlsMaterialError)
        throw new ConfigError(VARIABLE[error.file], `${error.path} ${error.reason}`);
      throw error;
    }
  }
  return transport;
}
