import { readFile } from 'node:fs/promises';
import type { SshEndpointData } from '@gateway/shared';
import {
  fingerprint,
  hostKeyAlgorithms,
  keyTypeOf,
  parseHostKeyLine,
  type HostKey,
} from './host-key.js';
import { knownHostKeys } from './known-hosts.js';

/** How a node's host key is checked: the keys accepted, or why none can be. */
export type HostKeyPolicy =
  | {
      readonly ok: true;
      readonly source: string;
      readonly accepted: readonly HostKey[];
      readonly revoked: readonly HostKey[];
      readonly algorithms: string[];
    }
  | { readonly ok: false; readonly reason: string };

/**
 * The host keys config-push accepts from a node: its pinned key (inventory
 * `ssh.host_key`) when it has one, else the entries of the known_hosts file for its
 * address. No key to check against means no push: unknown hosts are never trusted.
 */
export async function hostKeyPolicy(
  ssh: SshEndpointData,
  knownHostsFile: string,
): Promise<HostKeyPolicy> {
  if (ssh.hostKey) {
    let pinned: HostKey;
    try {
      pinned = parseHostKeyLine(ssh.hostKey);
    } catch (error) {
      return {
        ok: false,
        reason: `unusable pinned ssh.host_key: ${(error as Error).message}`,
      };
    }
    return {
      ok: true,
      source: 'the pinned key of the node',
      accepted: [pinned],
      revoked: [],
      algorithms: hostKeyAlgorithms(pinned.type),
    };
  }
  let text: string;
  try {
    text = await readFile(knownHostsFile, 'utf8');
  } catch (error) {
    return {
      ok: false,
      reason: `unknown host key: the node has no pinned ssh.host_key and the known_hosts file ${knownHostsFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
  const keys = knownHostKeys(text, ssh.host, ssh.port);
  if (keys.trusted.length === 0) {
    return {
      ok: false,
      reason: `unknown host key: no pinned ssh.host_key and no entry for ${ssh.port === 22 ? ssh.host : `[${ssh.host}]:${ssh.port}`} in ${knownHostsFile}`,
    };
  }
  const algorithms = [...new Set(keys.trusted.flatMap((key) => hostKeyAlgorithms(key.type)))];
  return {
    ok: true,
    source: knownHostsFile,
    accepted: keys.trusted,
    revoked: keys.revoked,
    algorithms,
  };
}

/** Checks the key a server presented; undefined when accepted, else a clear refusal. */
export function checkPresentedKey(
  policy: Extract<HostKeyPolicy, { ok: true }>,
  presented: Buffer,
): string | undefined {
  if (policy.revoked.some((key) => key.blob.equals(presented))) {
    return `host key ${keyTypeOf(presented)} ${fingerprint(presented)} is marked @revoked in ${policy.source}`;
  }
  if (policy.accepted.some((key) => key.blob.equals(presented))) return undefined;
  const expected = policy.accepted.map((key) => `${key.type} ${fingerprint(key.blob)}`).join(', ');
  return `host key mismatch: the server presented ${keyTypeOf(presented)} ${fingerprint(presented)}, but ${policy.source} expects ${expected} (the host key changed or someone is impersonating the node)`;
}

/** What a policy accepts and revokes, as one comparable string (a change means: verify again). */
export function policySignature(policy: Extract<HostKeyPolicy, { ok: true }>): string {
  const keys = (list: readonly HostKey[]) =>
    list.map((key) => `${key.type} ${key.blob.toString('base64')}`).sort();
  return JSON.stringify([keys(policy.accepted), keys(policy.revoked)]);
}
