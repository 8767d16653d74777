import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config-error.js';
import type { CommonConfig } from '../config/common-config.js';
import type { Role } from './roles.js';
import { checkUnique, parseTokenFile } from './token-file.js';
import type { TokenEntry, TokenIdentity } from './token-identity.js';
import { parseTokenList } from './token-list.js';

/** Bearer tokens and who they are, compared in constant time. */
export type TokenTable = {
  /** The identity of a presented token, or undefined when it matches none. */
  identify(token: string): TokenIdentity | undefined;
  /** The role of a presented token, or undefined when it matches none. */
  roleOf(token: string): Role | undefined;
  /** Every identity, without secrets (for start-up logs). */
  readonly identities: readonly TokenIdentity[];
  readonly size: number;
};

export function TokenTable(entries: readonly TokenEntry[]): TokenTable {
  const digests = entries.map(({ secret, ...identity }) => ({
    identity: Object.freeze(identity),
    digest: sha256(secret),
  }));
  const identify = (token: string) => {
    const presented = sha256(token);
    let match: TokenIdentity | undefined;
    // Compare against every entry, whatever matched, so timing says nothing.
    for (const entry of digests) {
      if (timingSafeEqual(presented, entry.digest) && match === undefined) match = entry.identity;
    }
    return match;
  };
  return {
    size: digests.length,
    identities: digests.map((entry) => entry.identity),
    identify,
    roleOf: (token) => identify(token)?.role,
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The token table the service enforces, or `undefined` when the operator turned
 * authentication off explicitly (GATEWAY_AUTH=disabled). No tokens and no explicit
 * switch is a configuration error: auth is never off silently.
 */
export function tokenTableFromConfig(config: CommonConfig): TokenTable | undefined {
  if (config.GATEWAY_AUTH === 'disabled') return undefined;
  if (config.GATEWAY_TOKENS && config.GATEWAY_TOKENS_FILE) {
    throw new ConfigError(
      'GATEWAY_TOKENS_FILE',
      'set either GATEWAY_TOKENS or GATEWAY_TOKENS_FILE, not both',
    );
  }
  let entries: TokenEntry[];
  if (config.GATEWAY_TOKENS_FILE) {
    let text: string;
    try {
      text = readFileSync(config.GATEWAY_TOKENS_FILE, 'utf8');
    } catch (error) {
      throw new ConfigError(
        'GATEWAY_TOKENS_FILE',
        `cannot read ${config.GATEWAY_TOKENS_FILE}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    entries = parseTokenFile(text, 'GATEWAY_TOKENS_FILE');
  } else {
    entries = parseTokenList(config.GATEWAY_TOKENS ?? '', 'GATEWAY_TOKENS');
  }
  checkUnique(entries, config.GATEWAY_TOKENS_FILE ? 'GATEWAY_TOKENS_FILE' : 'GATEWAY_TOKENS');
  if (entries.length === 0) {
    throw new ConfigError(
      'GATEWAY_TOKENS',
      'no tokens configured: set GATEWAY_TOKENS or GATEWAY_TOKENS_FILE, or GATEWAY_AUTH=disabled for local development',
    );
  }
  return TokenTable(entries);
}
