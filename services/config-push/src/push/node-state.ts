import type { NodeSpecData } from '@gateway/shared';
import { PushError } from './push-error.js';
import type { SshPool } from './ssh-pool.js';

/** What a node says it runs (the apply script's `status`): its own record, not Redis's. */
export type NodeRunState = {
  /** The store epoch of `revision`; '' when the node never recorded one. */
  readonly epoch: string;
  readonly revision: number;
  /** sha256 the node recorded ("none" before its first apply). */
  readonly hash: string;
  /** `server` lines of the live file (0 before the first apply). */
  readonly servers: number;
};

const STATE_LINE = /^STATE (\d+) ([0-9a-f]{64}|none) ([0-9a-f]{64}|none) (\S+) (\d+)$/m;

/**
 * Asks a node what it runs: `<remote command> status` over the pooled SSH connection.
 * An answer in the older form (no epoch, no server count) is an error: the node's apply
 * script must be updated before the center (docs/deployment.md).
 */
export async function readNodeRunState(options: {
  pool: SshPool;
  node: NodeSpecData;
  remoteCommand: string;
  signal: AbortSignal;
}): Promise<NodeRunState> {
  const result = await options.pool.exec(
    options.node.ssh,
    `${options.remoteCommand} status`,
    '',
    options.signal,
  );
  const match = STATE_LINE.exec(result.stdout);
  if (result.code !== 0 || !match)
    throw new PushError(
      'remote',
      `unexpected status answer from the apply script (exit ${result.code}): ${
        result.stdout.trim().slice(0, 200) || result.stderr.trim().slice(0, 200) || '(no output)'
      } — is the node's gateway-nginx-apply up to date?`,
    );
  return {
    revision: Number(match[1]),
    hash: match[2],
    epoch: match[4] === '-' ? '' : match[4],
    servers: Number(match[5]),
  };
}
