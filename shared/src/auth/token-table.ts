import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config-error.js';
import type { CommonConfig } from '../config/common-config.js';
import { isRole, type Role } from './roles.js';

const MIN_TOKEN_LENGTH = 16;

/** Bearer tokens and their roles, compared in constant time. */
export type TokenTable = {
  /** The role of a presented token, or undefined when it matches none. */
  roleOf(token: string): Role | undefined;
  readonly size: number;
};

export function TokenTable(entries: ReadonlyArray<{ role: Role; token: string }>): TokenTable {
  const digests = entries.map((entry) => ({ role: entry.role, digest: sha256(entry.token) }));
  return {
    size: digests.length,
    roleOf(token) {
      const presented = sha256(token);
      let match: Role | undefined;
      // Compare against every entry, whatever matched, so timing says nothing.
      for (const entry of digests) {
        if (timingSafeEqual(presented, entry.digest) && match === undefined) match = entry.role;
      }
      return match;
    },
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Parses `role:token` pairs separated by commas or new lines (# starts a comment). */
export function parseTokenList(
  text: string,
  variable: string,
): Array<{ role: Role; token: string }> {
  const entries: Array<{ role: Role; token: string }> = [];
  const pieces = text
    .split(/[,\n]/)
    .map((piece) => piece.replace(/#.*$/, '').trim())
    .filter((piece) => piece !== '');
  for (const piece of pieces) {
    const separator = piece.indexOf(':');
    const role = piece.slice(0, separator);
    const token = piece.slice(separator + 1);
    if (separator < 0 || !isRole(role)) {
      throw new ConfigError(
        variable,
        `each entry must be role:token with role admin, core or sdk (got "${role || piece.slice(0, 12)}…")`,
      );
    }
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new ConfigError(
        variable,
        `the ${role} token must be at least ${MIN_TOKEN_LENGTH} characters without spaces`,
      );
    }
    entries.push({ role, token });
  }
  return entries;
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
  let entries: Array<{ role: Role; token: string }>;
  if (config.GATEWAY_TOKENS_FILE) {
    let text: string;
    try {
      text = readFileSync(config.GATEWAY_TOKENS_FILE, 'utf8');
    } catch (error) {
      throw new ConfigError(
        'GATEWAY_TOKENS_FILE',
        `cannot read ${config.GATEWAY_TOKENS_FILE}: ${(error as Error).message}`,
      );
    }
    entries = parseTokenList(text, 'GATEWAY_TOKENS_FILE');
  } else {
    entries = parseTokenList(config.GATEWAY_TOKENS ?? '', 'GATEWAY_TOKENS');
  }
  if (entries.length === 0) {
    throw new ConfigError(
      'GATEWAY_TOKENS',
      'no tokens configured: set GATEWAY_TOKENS or GATEWAY_TOKENS_FILE, or GATEWAY_AUTH=disabled for local development',
    );
  }
  return TokenTable(entries);
}
