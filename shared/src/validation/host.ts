import { isIPv4, isIPv6 } from 'node:net';
import { FieldViolation } from './field-violation.js';
import { requireMaxLength, requireNonEmpty } from './text-rules.js';

const DNS_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);
/** One to four parts, each a number as inet_aton reads it (decimal, octal, or 0x hex). */
const INET_ATON_FORM = /^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$/;

/**
 * Checks a host (IPv4, IPv6 without brackets or zone, or DNS name) and returns its
 * canonical form: IPv6 compressed and lower-case, DNS names lower-case without the
 * trailing dot. Nothing else gets through, so a host can never break out of an
 * Nginx `server` line.
 */
export function normalizeHost(field: string, host: string): string {
  requireMaxLength(field, host, 253);
  requireNonEmpty(field, host);
  if (isIPv4(host)) return host;
  if (host.includes(':')) {
    if (!isIPv6(host) || host.includes('%')) {
      throw new FieldViolation(
        field,
        'is not a valid IPv6 address (write it without brackets or zone)',
      );
    }
    return new URL(`http://[${host}]/`).hostname.slice(1, -1);
  }
  const name = host.toLowerCase().replace(/\.$/, '');
  if (!DNS_NAME.test(name)) {
    throw new FieldViolation(
      field,
      'must be an IPv4 address, an IPv6 address or a DNS name (letters, digits, "-" and ".")',
    );
  }
  if (name === 'unix') {
    // Nginx reads `server unix:<port>` as the path of a unix socket, not a host.
    throw new FieldViolation(field, 'must not be "unix" (Nginx reads "unix:" as a socket path)');
  }
  if (/^[0-9.]+$/.test(name)) {
    throw new FieldViolation(field, 'looks like an incomplete IPv4 address');
  }
  if (INET_ATON_FORM.test(name)) {
    // getaddrinfo (glibc), which Nginx resolves upstream hosts with, reads `0x7f.1` as 127.0.0.1.
    throw new FieldViolation(
      field,
      'looks like an IPv4 address in hex or octal (write it in dotted decimal)',
    );
  }
  return name;
}

/** The host as Nginx wants it in `server host:port` (IPv6 in brackets). */
export function hostForAddress(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
