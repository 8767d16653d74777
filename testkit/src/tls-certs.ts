import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';
import { tempDir } from './temp-dir.js';

/** PEM files of one certificate and its key. */
export type CertificateFiles = { readonly certFile: string; readonly keyFile: string };

/**
 * A test PKI made with the `openssl` CLI in a temp dir: a CA, a server certificate for
 * 127.0.0.1, ::1, localhost and the given IPs, and a client certificate (mTLS).
 */
export type TestPki = {
  readonly dir: string;
  readonly caFile: string;
  readonly server: CertificateFiles;
  readonly client: CertificateFiles;
  /** Another certificate signed by this CA (e.g. a renewed server certificate); `name` is its files' stem. */
  issue(name: string, options?: { ips?: readonly string[]; client?: boolean }): CertificateFiles;
  /** Removes the directory (also done when the test process exits). */
  remove(): void;
};

/** Builds a fresh CA with a server and a client certificate. */
export function createTestPki(options: { serverIps?: readonly string[] } = {}): TestPki {
  const dir = tempDir('tls');
  const caFile = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey]);
  openssl(dir, [
    'req', '-x509', '-new', '-key', caKey, '-sha256', '-days', '2',
    '-subj', '/CN=gateway test CA', '-out', caFile,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  let serial = 1;
  const issue: TestPki['issue'] = (name, issued = {}) => {
    const keyFile = join(dir, `${name}.key`);
    const certFile = join(dir, `${name}.crt`);
    const csr = join(dir, `${name}.csr`);
    const extensions = join(dir, `${name}.ext`);
    const ips = ['127.0.0.1', '::1', ...(issued.ips ?? [])];
    writeFileSync(
      extensions,
      issued.client
        ? 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n'
        : [
            'basicConstraints=CA:FALSE',
            'keyUsage=critical,digitalSignature,keyEncipherment',
            'extendedKeyUsage=serverAuth',
            `subjectAltName=DNS:localhost,${ips.map((ip) => `IP:${ip}`).join(',')}`,
            '',
          ].join('\n'),
    );
    openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
    openssl(dir, [
      'req',
      '-new',
      '-key',
      keyFile,
      '-subj',
      `/CN=gateway-test-${name}`,
      '-out',
      csr,
    ]);
    openssl(dir, [
      'x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey,
      '-set_serial', String(1000 + serial++), '-days', '2', '-sha256',
      '-extfile', extensions, '-out', certFile,
    ]); // prettier-ignore
    return { certFile, keyFile };
  };
  const server = issue('server', { ips: options.serverIps ?? [] });
  const client = issue('client', { client: true });
  const remove = () => rmSync(dir, { recursive: true, force: true });
  onCleanup(remove);
  return { dir, caFile, server, client, issue, remove };
}

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.slice(-500)}`, { cause: error });
  }
}
