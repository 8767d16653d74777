import { Metadata } from 'nice-grpc';

/** The bearer tokens of every test, one per role (GATEWAY_TOKENS). */
export const TEST_TOKENS = {
  admin: 'admin-token-0123456789',
  core: 'core-token-0123456789',
  sdk: 'sdk-token-0123456789',
} as const;

/** GATEWAY_TOKENS for a service under test: the three roles of TEST_TOKENS. */
export const TEST_TOKENS_ENV = `admin:${TEST_TOKENS.admin},core:${TEST_TOKENS.core},sdk:${TEST_TOKENS.sdk}`;

/** Call options that authenticate with `token` (nice-grpc `{ '*': bearer(token) }` for a client). */
export function bearer(token: string): { metadata: Metadata } {
  return { metadata: Metadata({ authorization: `Bearer ${token}` }) };
}
