import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';

/** The leaf certificate a TLS server presents to a new connection. */
export type ServedCertificate = { readonly fingerprint256: string; readonly serialNumber: string };

/**
 * Opens a fresh TLS connection (ALPN h2, as gRPC does) to `address`, trusting `caFile`,
 * and returns the certificate the server presented. Presents `client` when given (mTLS).
 */
export async function servedCertificate(
  address: string,
  caFile: string,
  client?: { certFile: string; keyFile: string },
): Promise<ServedCertificate> {
  const colon = address.lastIndexOf(':');
  return await new Promise((resolve, reject) => {
    const socket = connect({
      host: address.slice(0, colon),
      port: Number(address.slice(colon + 1)),
      ca: readFileSync(caFile),
      ALPNProtocols: ['h2'],
      servername: 'localhost',
      ...(client ? { cert: readFileSync(client.certFile), key: readFileSync(client.keyFile) } : {}),
      timeout: 5_000,
    });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      socket.destroy();
      resolve({ fingerprint256: peer.fingerprint256, serialNumber: peer.serialNumber });
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`TLS handshake with ${address} timed out`));
    });
    socket.once('error', reject);
  });
}
