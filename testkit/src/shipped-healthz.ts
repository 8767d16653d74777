import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillTemplate } from '@gateway/cli';
import { DEPLOY_DIR } from './repo-paths.js';

/**
 * The /healthz locations of the shipped deploy/nginx/nginx.conf (`location = /healthz`
 * and its `@healthz_ok` fallback), with their VRRP state directory filled in: a test
 * nginx serves /healthz exactly as a production node does.
 */
export function shippedHealthzLocations(vrrpStateDir: string): string {
  const conf = readFileSync(join(DEPLOY_DIR, 'nginx', 'nginx.conf'), 'utf8');
  const blocks = [
    /location = \/healthz \{\n[\s\S]*?\n\s*\}$/m,
    /location @healthz_ok \{\n[\s\S]*?\n\s*\}$/m,
  ].map((pattern) => {
    const block = pattern.exec(conf)?.[0];
    if (!block) throw new Error(`deploy/nginx/nginx.conf has no ${pattern.source}`);
    return block;
  });
  return fillTemplate('healthz locations', blocks.join('\n'), { VRRP_STATE_DIR: vrrpStateDir });
}
