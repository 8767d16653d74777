import { experimental } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { epochSecondsOf, trackCertificate } from './certificate-status.js';
import {
  checkTlsMaterial,
  readTlsContents,
  readTlsMaterialSync,
  sameContents,
  type ServerTlsFiles,
  type TlsMaterial,
} from './tls-material.js';

type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/**
 * The server's certificate, key and client CA, re-read from their files every
 * `reloadIntervalMs`: grpc-js installs each change as the secure context of new
 * connections (rotation without restart). A change that does not check out (a key that
 * does not match, a half-written file) is refused and logged once; the last good
 * material stays in service, and a later good change is taken. While it runs, its state
 * (refusing a change or not, the served certificate's notAfter) is in the process's metrics
 * (gateway_tls_certificate_reload_failing, gateway_tls_certificate_not_after_seconds).
 */
export type ReloadingCertificates = experimental.CertificateProvider & {
  /** What new connections are served now. */
  current(): TlsMaterial;
  /** Stops re-reading (on shutdown). */
  close(): void;
};

export function ReloadingCertificates(options: {
  files: ServerTlsFiles;
  reloadIntervalMs: number;
  logger: Logger;
  /** For the metrics' `transport` label. */
  transport: 'tls' | 'mtls';
}): ReloadingCertificates {
  const { files, logger } = options;
  let material = readTlsMaterialSync(files);
  const caListeners = new Set<CaListener>();
  const identityListeners = new Set<IdentityListener>();
  let lastFailure: string | undefined;
  let reloading = false;

  const caUpdate = () =>
    material.clientCa === undefined ? null : { caCertificate: material.clientCa };
  const identityUpdate = () => ({
    certificate: material.certificate,
    privateKey: material.privateKey,
  });
  const describe = (served: TlsMaterial) => ({
    certFile: files.certFile,
    fingerprint256: served.fingerprint256,
    serialNumber: served.serialNumber,
    validTo: served.validTo,
  });

  const reload = async () => {
    if (reloading) return;
    reloading = true;
    try {
      const contents = await readTlsContents(files);
      if (sameContents(material, contents)) {
        // The files are back to the pair in service (a refused change was undone).
        if (lastFailure !== undefined)
          logger.info(describe(material), 'grpc tls: the certificate files check out again');
        lastFailure = undefined;
        return;
      }
      material = checkTlsMaterial(files, contents);
      for (const listener of identityListeners) listener(identityUpdate());
      for (const listener of caListeners) listener(caUpdate());
      if (lastFailure !== undefined) logger.info('grpc tls: the certificate files check out again');
      lastFailure = undefined;
      logger.info(describe(material), 'grpc tls: new certificate in service for new connections');
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unknown error';
      if (reason !== lastFailure)
        logger.error(
          { reason, served: describe(material) },
          'grpc tls: changed certificate files refused: still serving the last good certificate',
        );
      lastFailure = reason;
    } finally {
      reloading = false;
    }
  };
  const timer = setInterval(() => void reload(), options.reloadIntervalMs);
  timer.unref();
  const untrack = trackCertificate(() => ({
    transport: options.transport,
    reloadFailing: lastFailure !== undefined,
    notAfterSeconds: epochSecondsOf(material.validTo),
  }));
  logger.info(
    { ...describe(material), clientCertificates: material.clientCa ? 'required' : 'not asked' },
    'grpc tls: certificate loaded',
  );

  return {
    current: () => material,
    close: () => {
      clearInterval(timer);
      untrack();
    },
    // grpc-js registers its listener before it watches for updates: answer on the next tick.
    addCaCertificateListener(listener) {
      caListeners.add(listener);
      process.nextTick(() => {
        if (caListeners.has(listener)) listener(caUpdate());
      });
    },
    removeCaCertificateListener(listener) {
      caListeners.delete(listener);
    },
    addIdentityCertificateListener(listener) {
      identityListeners.add(listener);
      process.nextTick(() => {
        if (identityListeners.has(listener)) listener(identityUpdate());
      });
    },
    removeIdentityCertificateListener(listener) {
      identityListeners.delete(listener);
    },
  };
}
