/** What the metrics say about one server's reloading certificate (see ReloadingCertificates). */
export type CertificateStatus = {
  /** `tls` or `mtls` (client certificates required). */
  readonly transport: 'tls' | 'mtls';
  /** Changed files that do not check out are being refused (the last good pair is served). */
  readonly reloadFailing: boolean;
  /** notAfter of the served leaf certificate, in seconds since the epoch. */
  readonly notAfterSeconds: number;
};

const live = new Set<() => CertificateStatus>();

/**
 * The certificates this process serves, for its metrics: a server's reloading certificate
 * registers here while it runs (a process serves one gRPC server; a test may start several).
 * Returns the function that removes it (on close).
 */
export function trackCertificate(status: () => CertificateStatus): () => void {
  live.add(status);
  return () => live.delete(status);
}

/** The status of every certificate served now (none when the process serves plaintext). */
export function servedCertificates(): CertificateStatus[] {
  return [...live].map((status) => status());
}

/** `Nov 26 03:46:25 2027 GMT` (X509Certificate.validTo) → seconds since the epoch. */
export function epochSecondsOf(validTo: string): number {
  const ms = Date.parse(validTo);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
