import { isStoreEpoch, type NodeSpecData } from '@gateway/shared';
import { PushError } from './push-error.js';
import type { SshPool } from './ssh-pool.js';

/** What the node's apply script did. */
export type NodeApplyOutcome = {
  readonly outcome: 'APPLIED' | 'UNCHANGED';
  readonly revision: number;
  readonly hash: string;
};

/** The config a node is asked to run. */
export type ConfigToApply = {
  /** The store epoch of `revision` ('' for none: the node then compares revisions only). */
  readonly epoch: string;
  readonly revision: number;
  readonly hash: string;
  /** The file, as chunks (written to the node one after the other). */
  readonly content: readonly Buffer[];
};

/**
 * Runs the node-side apply script (deploy/config-push/gateway-nginx-apply) over SSH with
 * the file on stdin: it stages the file beside the live one, refuses a revision older
 * than the node's, tests with `nginx -t` in place, reloads, confirms, and restores the
 * previous file on any failure. Its exit code says what happened.
 */
export async function applyOnNode(options: {
  pool: SshPool;
  node: NodeSpecData;
  remoteCommand: string;
  config: ConfigToApply;
  signal: AbortSignal;
}): Promise<NodeApplyOutcome> {
  const { node, config } = options;
  // configPath is validated (absolute, [A-Za-z0-9._-] segments); revision and hash are
  // numbers and hex, the epoch digits, "-" and hex (checked). Quoted anyway.
  if (config.epoch !== '' && !isStoreEpoch(config.epoch))
    throw new PushError(
      'remote',
      `malformed store epoch "${config.epoch.slice(0, 40)}": not pushed`,
    );
  const epochArgument = config.epoch === '' ? '' : ` '${config.epoch}'`;
  const command = `${options.remoteCommand} apply '${node.configPath}' ${config.revision} ${config.hash}${epochArgument}`;
  const result = await options.pool.exec(node.ssh, command, config.content, options.signal);
  const stderr = result.stderr.trim().replace(/\s+/g, ' ').slice(0, 2_000);
  const stdout = result.stdout.trim();
  switch (result.code) {
    case 0: {
      const match = /^(APPLIED|UNCHANGED) (\d+) ([0-9a-f]{64})$/m.exec(stdout);
      if (!match || match[3] !== config.hash)
        throw new PushError(
          'remote',
          `unexpected answer from the apply script: ${stdout.slice(0, 200)}`,
        );
      return {
        outcome: match[1] as 'APPLIED' | 'UNCHANGED',
        revision: Number(match[2]),
        hash: match[3],
      };
    }
    case 3:
      throw new PushError('stale', `the node refused revision ${config.revision}: ${stderr}`);
    case 4:
      throw new PushError('config_test', stderr || 'nginx -t failed');
    case 5:
      throw new PushError('reload', stderr || 'reload not confirmed');
    case 7:
      throw new PushError('too_large', stderr || 'the node refused a file over its MAX_BYTES');
    case 8:
      throw new PushError(
        'content_refused',
        stderr || 'the node refused the file: not a render of config-push',
      );
    default:
      throw new PushError(
        'remote',
        `apply script exited ${result.code}: ${stderr || stdout.slice(0, 500) || '(no output)'}`,
      );
  }
}
