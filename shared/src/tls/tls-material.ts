import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/** Where a server's TLS material lives (PEM files). */
export type ServerTlsFiles = {
  readonly certFile: string;
  readonly keyFile: string;
  /** Client certificates must be signed by this CA (mTLS); undefined: no client certificate asked. */
  readonly clientCaFile?: string | undefined;
};

/** The files' content, checked: the key matches the certificate, every PEM parses. */
export type TlsMaterial = {
  readonly certificate: Buffer;
  readonly privateKey: Buffer;
  readonly clientCa: Buffer | undefined;
  /** Of the leaf certificate, for logs: which certificate is served. */
  readonly fingerprint256: string;
  readonly serialNumber: string;
  readonly validTo: string;
};

/** A problem with one TLS file: names the variable's file and why, never the content. */
export class TlsMaterialError extends Error {
  override readonly name = 'TlsMaterialError';

  constructor(
    readonly file: 'certificate' | 'key' | 'client CA',
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${file} file ${path}: ${reason}`);
  }
}

type Contents = { certificate: Buffer; privateKey: Buffer; clientCa: Buffer | undefined };

/** Reads and checks the files now (startup: a bad file stops the process). */
export function readTlsMaterialSync(files: ServerTlsFiles): TlsMaterial {
  const read = (file: TlsMaterialError['file'], path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw unreadable(file, path, error);
    }
  };
  return checkTlsMaterial(files, {
    certificate: read('certificate', files.certFile),
    privateKey: read('key', files.keyFile),
    clientCa: files.clientCaFile === undefined ? undefined : read('client CA', files.clientCaFile),
  });
}

/** Reads the files' bytes (a reload), unchecked: compare before paying for the check. */
export async function readTlsContents(files: ServerTlsFiles): Promise<Contents> {
  const read = async (file: TlsMaterialError['file'], path: string) => {
    try {
      return await readFile(path);
    } catch (error) {
      throw unreadable(file, path, error);
    }
  };
  const [certificate, privateKey, clientCa] = await Promise.all([
    read('certificate', files.certFile),
    read('key', files.keyFile),
    files.clientCaFile === undefined ? undefined : read('client CA', files.clientCaFile),
  ]);
  return { certificate, privateKey, clientCa };
}

export function sameContents(material: TlsMaterial, contents: Contents): boolean {
  return (
    material.certificate.equals(contents.certificate) &&
    material.privateKey.equals(contents.privateKey) &&
    (material.clientCa === undefined
      ? contents.clientCa === undefined
      : contents.clientCa !== undefined && material.clientCa.equals(contents.clientCa))
  );
}

/**
 * Parses every PEM, checks that the key belongs to the certificate and that Node's TLS
 * accepts them together. Error texts are our own: a parser's message might quote input.
 */
export function checkTlsMaterial(files: ServerTlsFiles, contents: Contents): TlsMaterial {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(contents.certificate);
  } catch {
    throw new TlsMaterialError('certificate', files.certFile, 'is not a PEM X.509 certificate');
  }
  let key;
  try {
    key = createPrivateKey(contents.privateKey);
  } catch {
    throw new TlsMaterialError('key', files.keyFile, 'is not an unencrypted PEM private key');
  }
  if (!leaf.checkPrivateKey(key))
    throw new TlsMaterialError('key', files.keyFile, 'does not belong to the certificate');
  if (contents.clientCa !== undefined) {
    try {
      new X509Certificate(contents.clientCa);
    } catch {
      throw new TlsMaterialError(
        'client CA',
        files.clientCaFile ?? '',
        'is not a PEM X.509 certificate',
      );
    }
  }
  try {
    createSecureContext({
      cert: contents.certificate,
      key: contents.privateKey,
      ...(contents.clientCa ? { ca: contents.clientCa } : {}),
    });
  } catch {
    throw new TlsMaterialError('certificate', files.certFile, 'is refused by TLS with its key');
  }
  return {
    ...contents,
    fingerprint256: leaf.fingerprint256,
    serialNumber: leaf.serialNumber,
    validTo: leaf.validTo,
  };
}

function unreadable(file: TlsMaterialError['file'], path: string, error: unknown) {
  const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
  return new TlsMaterialError(file, path, `cannot be read (${code})`);
}
