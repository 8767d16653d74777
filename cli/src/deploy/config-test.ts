import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployPath } from './deploy-dir.js';
import { renderDeployTemplate } from './deploy-template.js';
import { keepalivedPlaceholders, nginxPlaceholders } from './render-node.js';
import type { NodeValues } from './node-values.js';
import { withAdvertInterval } from './vrrp-timing.js';

/** What a program's own config test said: passed, failed (with its words) or not run (why). */
export type ConfigTestResult =
  | { readonly program: string; readonly verdict: 'passed'; readonly note?: string }
  | { readonly program: string; readonly verdict: 'failed'; readonly output: string }
  | { readonly program: string; readonly verdict: 'skipped'; readonly note: string };

const TEST_TIMEOUT_MS = 15_000;

export function programVersion(program: 'nginx' | 'keepalived'): string | undefined {
  const flag = program === 'nginx' ? '-v' : '--version';
  const result = spawnSync(program, [flag], { encoding: 'utf8', timeout: TEST_TIMEOUT_MS });
  if (result.error) return undefined;
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
}

/**
 * keepalived 2.2.7 (Debian 12) kills itself with SIGTERM during `-t` whenever a script
 * runs as a non-root script_user (acassen/keepalived#2587, #2617; fixed in 2.2.8).
 */
export function hasScriptUserTestBug(versionText: string): boolean {
  const match = /v(\d+)\.(\d+)\.(\d+)/.exec(versionText);
  if (!match) return false;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return major === 2 && (minor < 2 || (minor === 2 && patch < 8));
}

/**
 * `nginx -t` on the node's nginx.conf as rendered, with only its paths (pid, logs,
 * temp, the upstream include) moved into a scratch directory holding the placeholder
 * upstream file a node is installed with: the test needs no file of the target host.
 */
export function testNginxConf(values: NodeValues, templatesDir?: string): ConfigTestResult {
  if (programVersion('nginx') === undefined)
    return { program: 'nginx', verdict: 'skipped', note: 'nginx is not installed here' };
  const dir = mkdtempSync(join(tmpdir(), 'gatewayctl-nginx-'));
  try {
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'temp'));
    const upstreams = join(dir, 'gateway-upstreams.conf');
    copyFileSync(
      deployPath('config-push/gateway-upstreams.placeholder.conf', templatesDir),
      upstreams,
    );
    const conf = join(dir, 'nginx.conf');
    writeFileSync(
      conf,
      renderDeployTemplate(
        'nginx/nginx.conf',
        {
          ...nginxPlaceholders(values),
          PID_FILE: join(dir, 'nginx.pid'),
          LOG_DIR: dir,
          TEMP_DIR: join(dir, 'temp'),
          UPSTREAMS_FILE: upstreams,
        },
        templatesDir,
      ),
    );
    const result = spawnSync(
      'nginx',
      ['-p', `${dir}/`, '-c', conf, '-e', join(dir, 'error.log'), '-t'],
      {
        encoding: 'utf8',
        timeout: TEST_TIMEOUT_MS,
      },
    );
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    return result.status === 0
      ? { program: 'nginx', verdict: 'passed' }
      : { program: 'nginx', verdict: 'failed', output: output.replaceAll(dir, '<scratch>') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `keepalived -t` on the node's keepalived.conf as rendered, with the script and state
 * directories moved into a scratch directory holding the shipped scripts. On keepalived
 * < 2.2.8 a non-root script_user makes the test kill itself (SIGTERM, no output): then
 * the file is tested with script_user root, which takes the same parse and script
 * security checks past that bug, exactly as the deploy config test does.
 */
export function testKeepalivedConf(values: NodeValues, templatesDir?: string): ConfigTestResult {
  const version = programVersion('keepalived');
  if (version === undefined)
    return { program: 'keepalived', verdict: 'skipped', note: 'keepalived is not installed here' };
  if (process.getuid?.() !== 0)
    return { program: 'keepalived', verdict: 'skipped', note: 'keepalived -t needs root' };
  const dir = mkdtempSync(join(tmpdir(), 'gatewayctl-keepalived-'));
  try {
    chmodSync(dir, 0o755);
    const scriptDir = join(dir, 'scripts');
    const stateDir = join(dir, 'state');
    mkdirSync(scriptDir, { mode: 0o755 });
    mkdirSync(stateDir, { mode: 0o755 });
    for (const script of ['check-nginx.sh', 'vrrp-notify.sh']) {
      copyFileSync(deployPath(`keepalived/${script}`, templatesDir), join(scriptDir, script));
      chmodSync(join(scriptDir, script), 0o755);
    }
    const bug = hasScriptUserTestBug(version) && values.scriptUser !== 'root';
    const conf = join(dir, 'keepalived.conf');
    writeFileSync(
      conf,
      withAdvertInterval(
        renderDeployTemplate(
          `keepalived/keepalived-${values.role}.conf`,
          {
            ...keepalivedPlaceholders(values),
            SCRIPT_DIR: scriptDir,
            STATE_DIR: stateDir,
            ...(bug ? { SCRIPT_USER: 'root' } : {}),
          },
          templatesDir,
        ),
        values.advertInt,
      ),
    );
    const result = spawnSync('keepalived', ['-t', '-f', conf], {
      encoding: 'utf8',
      timeout: TEST_TIMEOUT_MS,
    });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
      .trim()
      .replaceAll(dir, '<scratch>');
    if (result.status !== 0)
      return {
        program: 'keepalived',
        verdict: 'failed',
        output: output || `exit ${result.status ?? result.signal}`,
      };
    return bug
      ? {
          program: 'keepalived',
          verdict: 'passed',
          note: `tested with script_user root: ${version.split('\n')[0]} kills its own config test when script_user is not root (fixed in 2.2.8)`,
        }
      : { program: 'keepalived', verdict: 'passed' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
