import { createHmac } from 'node:crypto';
import { keyTypeOf, type HostKey } from './host-key.js';

/** What a known_hosts file says about one host: keys to trust and keys revoked. */
export type KnownHostKeys = {
  readonly trusted: readonly HostKey[];
  readonly revoked: readonly HostKey[];
};

/**
 * Looks `host`:`port` up in the text of an OpenSSH known_hosts file: plain and hashed
 * (`|1|salt|hash`) names, `[host]:port` for ports other than 22, comma lists, `*` and `?`
 * wildcards, `!` negations, and the `@revoked` marker. `@cert-authority` lines are
 * ignored (certificates are not supported): such a host is unknown.
 */
export function knownHostKeys(text: string, host: string, port: number): KnownHostKeys {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const trusted: HostKey[] = [];
  const revoked: HostKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0].startsWith('@')) marker = fields.shift();
    if (marker === '@cert-authority' || fields.length < 3) continue;
    const [patterns, type, base64] = fields as [string, string, string];
    if (!matchesPatternList(patterns, name)) continue;
    const blob = Buffer.from(base64, 'base64');
    if (keyTypeOf(blob) !== type) continue;
    (marker === '@revoked' ? revoked : trusted).push({ type, blob });
  }
  return { trusted, revoked };
}

function matchesPatternList(list: string, name: string): boolean {
  if (list.startsWith('|1|')) return matchesHashed(list, name);
  let matched = false;
  for (const pattern of list.split(',')) {
    const negated = pattern.startsWith('!');
    if (globMatch(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function matchesHashed(entry: string, name: string): boolean {
  const [, , salt, hash] = entry.split('|');
  if (!salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function globMatch(pattern: string, name: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(name);
}
