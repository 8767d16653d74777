import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One line of the node-side apply script's journal (`STATE_DIR/journal`). */
export type JournalEntry = {
  time: number;
  revision: number;
  hash: string;
  outcome: string;
  /** The store epoch of the revision ("-" when none). */
  epoch: string;
  /** `server` lines of the uploaded file (-1 when the line does not say). */
  servers: number;
};

/**
 * Writes the node-side apply config (deploy/config-push/gateway-nginx-apply reads the
 * file named by GATEWAY_APPLY_CONF) for a test node's nginx; returns its path.
 */
export function writeApplyConf(
  dir: string,
  node: {
    livePath: string;
    nginxArgs: readonly string[];
    pidPath: string;
    stateDir: string;
    /** The nginx the script runs (default /usr/sbin/nginx). */
    nginxBinary?: string;
  },
): string {
  const path = join(dir, 'apply.conf');
  writeFileSync(
    path,
    [
      `LIVE_FILE=${node.livePath}`,
      `NGINX=${node.nginxBinary ?? '/usr/sbin/nginx'}`,
      `NGINX_ARGS=${node.nginxArgs.join(' ')}`,
      `PID_FILE=${node.pidPath}`,
      `STATE_DIR=${node.stateDir}`,
      'CONFIRM_TIMEOUT=10',
    ].join('\n') + '\n',
    { mode: 0o644 },
  );
  return path;
}

/** The journal of the apply script in `stateDir` (empty before its first run). */
export function readApplyJournal(stateDir: string): JournalEntry[] {
  const path = join(stateDir, 'journal');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [time, revision, hash, outcome, epoch, servers] = line.split(' ');
      return {
        time: Number(time),
        revision: Number(revision),
        hash: hash ?? '',
        outcome: outcome ?? '',
        epoch: epoch ?? '-',
        servers: servers === undefined || servers === '-' ? -1 : Number(servers),
      };
    });
}

/** Revisions the node really applied or confirmed, in order. */
export function appliedRevisions(journal: readonly JournalEntry[]): number[] {
  return journal
    .filter((entry) => entry.outcome === 'applied' || entry.outcome === 'unchanged')
    .map((entry) => entry.revision);
}
