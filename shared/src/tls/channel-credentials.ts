import { readFileSync } from 'node:fs';
import { ChannelCredentials } from 'nice-grpc';

/**
 * How a client reaches a TLS-serving center: the CA that signed the servers' certificates
 * (default: the system's roots) and, for servers that require client certificates (mTLS),
 * this client's certificate and key. All are PEM file paths.
 */
export type ClientTlsFiles = {
  readonly caFile?: string | undefined;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
};

/** A TLS file a client could not use; names the file, never its content. */
export class ClientTlsError extends Error {
  override readonly name = 'ClientTlsError';
}

/**
 * Channel credentials from files: plaintext when `tls` is undefined, else TLS trusting
 * `caFile` and presenting `certFile` + `keyFile` when both are given. The files are read
 * once, here (a long-lived client picks up a renewed client certificate when it is
 * created again).
 */
export function channelCredentials(tls: ClientTlsFiles | undefined): ChannelCredentials {
  if (!tls) return ChannelCredentials.createInsecure();
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined))
    throw new ClientTlsError('a client certificate needs both its certificate and key file');
  const ca = tls.caFile === undefined ? null : readPem(tls.caFile, 'CA certificate');
  if (tls.certFile === undefined || tls.keyFile === undefined)
    return ChannelCredentials.createSsl(ca);
  return ChannelCredentials.createSsl(
    ca,
    readPem(tls.keyFile, 'client key'),
    readPem(tls.certFile, 'client certificate'),
  );
}

/** The TLS files from the usual variables' values, or undefined when none is set (plaintext). */
export function clientTlsFromValues(values: {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}): ClientTlsFiles | undefined {
  const caFile = nonEmpty(values.caFile);
  const certFile = nonEmpty(values.certFile);
  const keyFile = nonEmpty(values.keyFile);
  if (caFile === undefined && certFile === undefined && keyFile === undefined) return undefined;
  return { caFile, certFile, keyFile };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function readPem(path: string, what: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ClientTlsError(`cannot read the ${what} file ${path} (${code})`);
  }
  if (!content.includes('-----BEGIN '))
    throw new ClientTlsError(`the ${what} file ${path} holds no PEM block`);
  return content;
}
