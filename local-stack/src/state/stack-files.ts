import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type TokenRole = 'admin' | 'core' | 'sdk';
export type StackTokens = Readonly<Record<TokenRole, string>>;

/** What the stack keeps in its state directory (default `.local-stack/`, gitignored). */
export type StackFiles = {
  readonly dir: string;
  /** `role:token` lines (GATEWAY_TOKENS_FILE), new on every start. */
  readonly tokensFile: string;
  readonly tokens: StackTokens;
  /** config-push's SSH identity (kept across starts); the nodes trust its public half. */
  readonly sshKeyFile: string;
  readonly sshPublicKey: string;
  /** config-push's known_hosts: empty, the host keys are pinned in each node's spec. */
  readonly knownHostsFile: string;
};

export function writeStackFiles(dir: string): StackFiles {
  const tokens: StackTokens = {
    admin: newToken(),
    core: newToken(),
    sdk: newToken(),
  };
  const tokensFile = join(dir, 'tokens');
  writeFileSync(
    tokensFile,
    Object.entries(tokens)
      .map(([role, token]) => `${role}:${token}\n`)
      .join(''),
    { mode: 0o600 },
  );
  const sshKeyFile = join(dir, 'id_ed25519');
  if (!existsSync(sshKeyFile))
    execFileSync(
      'ssh-keygen',
      ['-q', '-t', 'ed25519', '-N', '', '-C', 'gateway-config-push', '-f', sshKeyFile],
      { stdio: 'ignore' },
    );
  const knownHostsFile = join(dir, 'known_hosts');
  if (!existsSync(knownHostsFile)) writeFileSync(knownHostsFile, '');
  return {
    dir,
    tokensFile,
    tokens,
    sshKeyFile,
    sshPublicKey: readFileSync(`${sshKeyFile}.pub`, 'utf8').trim(),
    knownHostsFile,
  };
}

function newToken(): string {
  return randomBytes(18).toString('base64url');
}
