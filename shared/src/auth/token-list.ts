import { ConfigError } from '../config/config-error.js';
import { isRole } from './roles.js';
import { isAcceptableSecret, MIN_TOKEN_LENGTH, type TokenEntry } from './token-identity.js';

/**
 * Parses the simple form: `role:token` pairs separated by commas or new lines. A `#` at
 * the start of an entry or after white space starts a comment to the end of the line; a
 * token holds no white space, so a `#` inside a token is part of it, never a comment.
 * Names are derived per role in order: `admin-1`, `core-1`, `core-2`, `sdk-1`...
 * Errors name the entry by position and never echo any part of it.
 */
export function parseTokenList(text: string, variable: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const counts = new Map<string, number>();
  const pieces = text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .flatMap((line) => line.split(','))
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '');
  pieces.forEach((piece, index) => {
    const separator = piece.indexOf(':');
    const role = separator < 0 ? '' : piece.slice(0, separator);
    const secret = piece.slice(separator + 1);
    if (!isRole(role)) {
      throw new ConfigError(
        variable,
        `entry ${index + 1} must be role:token with role admin, core or sdk`,
      );
    }
    if (!isAcceptableSecret(secret)) {
      throw new ConfigError(
        variable,
        `entry ${index + 1} (${role}): the token must be ${MIN_TOKEN_LENGTH} to 4096 characters without spaces`,
      );
    }
    const count = (counts.get(role) ?? 0) + 1;
    counts.set(role, count);
    entries.push({ name: `${role}-${count}`, role, secret });
  });
  return entries;
}
