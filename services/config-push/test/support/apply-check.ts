import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPLY_SCRIPT, tempDir } from '@gateway/testkit';

/** Runs the real apply script's `check` (grammar only: no lock, no nginx) on `content`. */
export function checkWithApplyScript(content: string): { code: number; stderr: string } {
  const dir = tempDir('grammar-check');
  const conf = join(dir, 'apply.conf');
  writeFileSync(conf, `LIVE_FILE=${dir}/live.conf\nSTATE_DIR=${dir}/state\n`, { mode: 0o644 });
  const result = spawnSync('bash', [APPLY_SCRIPT, 'check'], {
    input: content,
    env: { PATH: process.env['PATH'], GATEWAY_APPLY_CONF: conf },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stderr: result.stderr };
}
