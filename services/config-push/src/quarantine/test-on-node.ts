import { createHash } from 'node:crypto';
import type { NodeSpecData } from '@gateway/shared';
import { PushError } from '../push/push-error.js';
import type { SshPool } from '../push/ssh-pool.js';
import type { TestVerdict } from './bisect.js';

/**
 * Runs `nginx -t` on a node against a candidate file without installing it (the apply
 * script's `test`: the candidate takes the live file's place for the test only, the
 * live file is always put back, nothing is reloaded). A failing test is a verdict; any
 * other failure (connection, refusal, busy) rejects with a PushError.
 */
export async function testOnNode(options: {
  pool: SshPool;
  node: NodeSpecData;
  remoteCommand: string;
  content: string;
  signal: AbortSignal;
}): Promise<TestVerdict> {
  const hash = createHash('sha256').update(options.content).digest('hex');
  const command = `${options.remoteCommand} test '${options.node.configPath}' ${hash}`;
  const result = await options.pool.exec(
    options.node.ssh,
    command,
    options.content,
    options.signal,
  );
  const stderr = result.stderr.trim().replace(/\s+/g, ' ').slice(0, 2_000);
  if (result.code === 0) return { ok: true };
  if (result.code === 4) return { ok: false, message: stderr || 'nginx -t failed' };
  throw new PushError(
    'remote',
    `test on ${options.node.ip} exited ${result.code}: ${stderr || '(no output)'}`,
  );
}
