import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Which instance hosts Register accepts (REGISTRY_ALLOWED_HOSTS): a comma-separated list
 * of `*` (any host), CIDRs or single addresses (`10.0.0.0/8`, `fd00::/8`, `10.1.2.3`), and
 * DNS suffixes (`.svc.cluster.local` matches names below it; `example.com` matches itself
 * and names below it). Loopback, link-local and unspecified addresses (and the name
 * `localhost`) are refused even when `*` or a wider range covers them: only an entry
 * that lies inside such a range (`127.0.0.0/8`, `::1`, `169.254.0.0/16`, `localhost`)
 * admits them, so a development stack asks for them explicitly.
 */
export type HostPolicy = {
  /** Undefined when allowed, else why not (without the field name). */
  refusal(host: string): string | undefined;
  /** The list as configured, for logs. */
  readonly text: string;
};

type SpecialRange = { what: string; address: string; prefix: number; family: 'ipv4' | 'ipv6' };

const SPECIAL_RANGES: readonly SpecialRange[] = [
  { what: 'a loopback address', address: '127.0.0.0', prefix: 8, family: 'ipv4' },
  { what: 'a loopback address', address: '::1', prefix: 128, family: 'ipv6' },
  { what: 'a loopback address', address: '::ffff:7f00:0', prefix: 104, family: 'ipv6' },
  { what: 'a link-local address', address: '169.254.0.0', prefix: 16, family: 'ipv4' },
  { what: 'a link-local address', address: 'fe80::', prefix: 10, family: 'ipv6' },
  { what: 'a link-local address', address: '::ffff:a9fe:0', prefix: 112, family: 'ipv6' },
  { what: 'an unspecified address', address: '0.0.0.0', prefix: 8, family: 'ipv4' },
  { what: 'an unspecified address', address: '::', prefix: 128, family: 'ipv6' },
  { what: 'an unspecified address', address: '::ffff:0:0', prefix: 104, family: 'ipv6' },
];

type Entry =
  | { kind: 'any' }
  | { kind: 'range'; list: BlockList; special: boolean }
  | { kind: 'name'; suffix: string; special: boolean };

export class HostPolicyError extends Error {}

export function HostPolicy(text: string): HostPolicy {
  const entries = text
    .split(',')
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '')
    .map(parseEntry);
  if (entries.length === 0) throw new HostPolicyError('must list at least one entry (or "*")');
  return {
    text,
    refusal(host) {
      const family = familyOf(host);
      const special = family
        ? specialRangeOf(host, family)
        : isLocalName(host)
          ? 'a loopback name'
          : undefined;
      const admitted = entries.some((entry) => {
        if (entry.kind === 'any') return special === undefined;
        if (entry.kind === 'range')
          return (
            family !== undefined &&
            entry.list.check(host, family) &&
            (special === undefined || entry.special)
          );
        if (family) return false;
        const matches = host === entry.suffix || host.endsWith(`.${entry.suffix}`);
        return matches && (special === undefined || entry.special);
      });
      if (admitted) return undefined;
      if (special)
        return `${host} is ${special}: refused unless REGISTRY_ALLOWED_HOSTS names that range explicitly`;
      return `${host} is not within REGISTRY_ALLOWED_HOSTS`;
    },
  };
}

function parseEntry(piece: string): Entry {
  if (piece === '*') return { kind: 'any' };
  const [address = '', prefixText] = piece.split('/');
  const family = familyOf(address);
  if (family) {
    const max = family === 'ipv4' ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max)
      throw new HostPolicyError(`"${piece}": the prefix length must be 0 to ${max}`);
    const list = new BlockList();
    list.addSubnet(address, prefix, family);
    const special = SPECIAL_RANGES.some(
      (range) => range.family === family && prefix >= range.prefix && inRange(address, range),
    );
    return { kind: 'range', list, special };
  }
  const name = piece.toLowerCase().replace(/\.$/, '');
  const suffix = name.replace(/^\./, '');
  if (
    prefixText !== undefined ||
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(suffix)
  )
    throw new HostPolicyError(`"${piece}" is neither "*", an address, a CIDR nor a DNS suffix`);
  return { kind: 'name', suffix, special: isLocalName(suffix) };
}

function familyOf(host: string): 'ipv4' | 'ipv6' | undefined {
  if (isIPv4(host)) return 'ipv4';
  if (isIPv6(host)) return 'ipv6';
  return undefined;
}

function inRange(address: string, range: SpecialRange): boolean {
  const list = new BlockList();
  list.addSubnet(range.address, range.prefix, range.family);
  return list.check(address, range.family);
}

function specialRangeOf(address: string, family: 'ipv4' | 'ipv6'): string | undefined {
  return SPECIAL_RANGES.find((range) => range.family === family && inRange(address, range))?.what;
}

function isLocalName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}
