import type { Role } from './roles.js';

/**
 * Who a bearer token is: what logs, the audit log, ownership and limits name. A `core`
 * token may be scoped to `groups` (undefined: any group) and capped at `quota` instances
 * (undefined: no cap).
 */
export type TokenIdentity = {
  readonly name: string;
  readonly role: Role;
  readonly groups?: readonly string[];
  readonly quota?: number;
};

/** A configured token: its identity and its secret (never logged, never in an error). */
export type TokenEntry = TokenIdentity & { readonly secret: string };

/** The identity of every call while authentication is disabled (local development only). */
export const ANONYMOUS_ADMIN: TokenIdentity = Object.freeze({ name: 'anonymous', role: 'admin' });

export const TOKEN_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
export const MIN_TOKEN_LENGTH = 16;

/** Whether a secret is acceptable: long enough, no white space (so a comment can never cut it). */
export function isAcceptableSecret(secret: string): boolean {
  return secret.length >= MIN_TOKEN_LENGTH && secret.length <= 4096 && !/\s/.test(secret);
}
