import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup, tempDir } from '@gateway/testkit';
import { APPLY_SCRIPT } from '@gateway/testkit';

const SUDOERS_EXAMPLE = join(APPLY_SCRIPT, '..', 'sudoers.example');

/**
 * A node-side set-up as docs/config-push.md describes it, on this machine: a dedicated
 * system user with no password, the apply script owned by root, and the documented
 * sudoers line (checked by visudo) naming that user and script, plus env_keep for
 * GATEWAY_APPLY_CONF so two test nodes can share the machine. Needs root; removed
 * again when the test process exits.
 */
export function installSudoLogin(user: string): { scriptPath: string; sudoersPath: string } {
  const dir = tempDir('apply-script');
  chmodSync(dir, 0o755);
  const scriptPath = join(dir, 'gateway-nginx-apply');
  copyFileSync(APPLY_SCRIPT, scriptPath);
  chmodSync(scriptPath, 0o755);

  let created = false;
  try {
    execFileSync('id', ['-u', user], { stdio: 'ignore' });
  } catch {
    execFileSync(
      'useradd',
      ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', user],
      { stdio: 'pipe' },
    );
    // No password at all ('*'), rather than a locked one ('!'), which sshd without PAM refuses even for keys.
    execFileSync('usermod', ['-p', '*', user], { stdio: 'pipe' });
    created = true;
  }
  if (created) onCleanup(() => execFileSync('userdel', [user], { stdio: 'ignore' }));

  const sudoers = readFileSync(SUDOERS_EXAMPLE, 'utf8')
    .replaceAll('gateway-push', user)
    .replaceAll('/usr/local/sbin/gateway-nginx-apply', scriptPath)
    .concat(`Defaults:${user} env_keep += "GATEWAY_APPLY_CONF"\n`);
  const candidate = join(dir, 'sudoers');
  writeFileSync(candidate, sudoers, { mode: 0o440 });
  execFileSync('visudo', ['-c', '-q', '-f', candidate], { stdio: 'pipe' });
  const sudoersPath = `/etc/sudoers.d/${user}`;
  writeFileSync(sudoersPath, sudoers, { mode: 0o440 });
  onCleanup(() => rmSync(sudoersPath, { force: true }));
  return { scriptPath, sudoersPath };
}
