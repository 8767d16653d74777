import { execFileSync, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEPLOY_DIR, tempDir } from '@gateway/testkit';

/**
 * Tells a node's shipped vrrp-notify.sh that keepalived moved it into `state`, the way
 * keepalived does: one `INSTANCE "VI_1" <state> <priority>` line through a FIFO. The
 * script writes <stateDir>/vrrp-state, which the node's Nginx serves as /healthz.
 */
export async function notifyVrrpState(
  stateDir: string,
  state: 'MASTER' | 'BACKUP' | 'FAULT',
  priority = state === 'MASTER' ? 100 : 90,
): Promise<void> {
  const fifo = join(tempDir('vrrp-fifo'), 'events.fifo');
  execFileSync('mkfifo', [fifo]);
  const script = spawn('sh', [join(DEPLOY_DIR, 'keepalived', 'vrrp-notify.sh'), stateDir, fifo], {
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    script.on('error', reject);
    script.on('close', resolve);
  });
  const timer = setTimeout(() => script.kill('SIGKILL'), 10_000);
  try {
    await writeFile(fifo, `INSTANCE "VI_1" ${state} ${priority}\n`, {
      signal: AbortSignal.timeout(10_000),
    });
    const code = await exited;
    if (code !== 0) throw new Error(`vrrp-notify.sh exited ${code}`);
  } finally {
    clearTimeout(timer);
  }
}
