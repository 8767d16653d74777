import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  APPLY_SCRIPT,
  DEPLOY_DIR,
  createTestNetwork,
  keepalivedConfigTest,
  keepalivedVersion,
  tempDir,
  type Namespace,
  type TestNetwork,
} from '@gateway/testkit';
import { runCli, type CliRun } from './support/run-cli.js';

type Role = 'master' | 'backup';
type RenderJson = {
  role: Role;
  files: { keepalived: string; nginx: string; apply: string };
  tests: { program: string; verdict: string; note?: string; output?: string }[];
  written: string[];
};

/** keepalived < 2.2.8 kills its own `-t` when script_user is not root (acassen/keepalived#2587, #2617). */
function hasConfigTestScriptUserBug(): boolean {
  const [major, minor, patch] = keepalivedVersion();
  return major === 2 && (minor < 2 || (minor === 2 && patch < 8));
}

/**
 * The directories a node's files point at, laid out as on a real node: a root-owned
 * script directory with the shipped scripts, a state directory, nginx's paths and the
 * placeholder upstream file a node is installed with.
 */
function nodeLayout() {
  const dir = tempDir('deploy-render');
  chmodSync(dir, 0o755);
  const scriptDir = join(dir, 'scripts');
  const stateDir = join(dir, 'vrrp');
  const tempPaths = join(dir, 'nginx-temp');
  const gatewayDir = join(dir, 'gateway');
  for (const path of [scriptDir, stateDir, tempPaths, gatewayDir]) mkdirSync(path, { mode: 0o755 });
  for (const script of ['check-nginx.sh', 'vrrp-notify.sh']) {
    copyFileSync(join(DEPLOY_DIR, 'keepalived', script), join(scriptDir, script));
    chmodSync(join(scriptDir, script), 0o755);
  }
  const upstreamsFile = join(gatewayDir, 'gateway-upstreams.conf');
  copyFileSync(
    join(DEPLOY_DIR, 'config-push', 'gateway-upstreams.placeholder.conf'),
    upstreamsFile,
  );
  return { dir, scriptDir, stateDir, tempPaths, upstreamsFile, out: join(dir, 'out') };
}

function values(role: Role, layout: ReturnType<typeof nodeLayout>): Record<string, string> {
  return {
    role,
    'self-ip': role === 'master' ? '10.249.0.2' : '10.249.0.3',
    'peer-ip': role === 'master' ? '10.249.0.3' : '10.249.0.2',
    'vip-cidr': '10.249.0.10/28',
    interface: 'eth0',
    'auth-pass': 'gwtest01',
    'script-user': 'nobody',
    'script-dir': layout.scriptDir,
    'state-dir': layout.stateDir,
    'pid-file': join(layout.dir, 'nginx.pid'),
    'log-dir': layout.dir,
    'temp-dir': layout.tempPaths,
    'upstreams-file': layout.upstreamsFile,
    'nginx-conf': join(layout.out, 'nginx.conf'),
    'apply-state-dir': join(layout.dir, 'apply-state'),
    listen: '127.0.0.1:18081',
  };
}

const flags = (entries: Record<string, string>) =>
  Object.entries(entries).flatMap(([key, value]) => [`--${key}`, value]);

describe('gatewayctl deploy render', () => {
  // keepalived -t checks that the VRRP interface exists: render where one does.
  let network: TestNetwork;
  let ns: Namespace;
  const inNamespace = (args: string[]): Promise<CliRun> =>
    runCli(args, { prefix: ['ip', 'netns', 'exec', ns.name] });
  beforeAll(() => {
    network = createTestNetwork();
    ns = network.addNamespace('drender', 2);
  });
  afterAll(() => network?.teardown());

  for (const role of ['master', 'backup'] as const) {
    it(`${role}: writes files that keepalived -t, nginx -t and the apply script accept`, async () => {
      const layout = nodeLayout();
      const run = await inNamespace([
        'deploy',
        'render',
        ...flags(values(role, layout)),
        '--out',
        layout.out,
        '--json',
      ]);
      assert.equal(run.code, 0, run.stderr);
      const result = JSON.parse(run.stdout) as RenderJson;
      assert.deepEqual(
        result.tests.map((test) => [test.program, test.verdict]),
        [
          ['keepalived', 'passed'],
          ['nginx', 'passed'],
        ],
        run.stderr,
      );
      assert.equal(result.written.length, 3);
      const keepalivedConf = join(layout.out, 'keepalived.conf');
      assert.equal(readFileSync(keepalivedConf, 'utf8'), result.files.keepalived);
      assert.match(result.files.keepalived, new RegExp(`state ${role.toUpperCase()}`));
      assert.doesNotMatch(result.files.keepalived + result.files.nginx, /\{\{[A-Z]/);

      // The written files themselves, checked by the programs (not by the CLI's scratch copies).
      const shipped = keepalivedConfigTest(keepalivedConf, ns);
      if (hasConfigTestScriptUserBug())
        assert.ok(
          shipped.code === 0 || (shipped.signal === 'SIGTERM' && shipped.output === ''),
          `keepalived -t: ${JSON.stringify(shipped)}`,
        );
      else assert.equal(shipped.code, 0, shipped.output);
      const nginx = spawnSync(
        'nginx',
        [
          '-p',
          `${layout.dir}/`,
          '-c',
          join(layout.out, 'nginx.conf'),
          '-e',
          join(layout.dir, 'error.log'),
          '-t',
        ],
        { encoding: 'utf8', timeout: 10_000 },
      );
      assert.equal(nginx.status, 0, nginx.stderr);
      const applyConf = join(layout.out, 'apply.conf');
      assert.match(
        readFileSync(applyConf, 'utf8'),
        new RegExp(`^LIVE_FILE=${layout.upstreamsFile}$`, 'm'),
      );
      const apply = spawnSync(APPLY_SCRIPT, ['status'], {
        encoding: 'utf8',
        timeout: 10_000,
        env: { PATH: process.env['PATH'] ?? '', GATEWAY_APPLY_CONF: applyConf },
      });
      assert.equal(apply.status, 0, `${apply.stdout}${apply.stderr}`);
      assert.match(apply.stdout, /^STATE /);
    });
  }

  it('a sub-second advert interval renders VRRPv3 without authentication, which keepalived -t accepts', async () => {
    const layout = nodeLayout();
    const entries: Record<string, string> = { ...values('master', layout), 'advert-int': '0.1' };
    delete entries['auth-pass'];
    const run = await inNamespace([
      'deploy',
      'render',
      ...flags(entries),
      '--out',
      layout.out,
      '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as RenderJson;
    assert.deepEqual(
      result.tests.map((test) => [test.program, test.verdict]),
      [
        ['keepalived', 'passed'],
        ['nginx', 'passed'],
      ],
      run.stderr,
    );
    assert.match(result.files.keepalived, /^\s*vrrp_version 3$/m);
    assert.match(result.files.keepalived, /^\s*advert_int 0\.1$/m);
    assert.doesNotMatch(result.files.keepalived, /^\s*(authentication \{|auth_type|auth_pass)/m);
    const written = keepalivedConfigTest(join(layout.out, 'keepalived.conf'), ns);
    if (hasConfigTestScriptUserBug())
      assert.ok(
        written.code === 0 || (written.signal === 'SIGTERM' && written.output === ''),
        `keepalived -t: ${JSON.stringify(written)}`,
      );
    else assert.equal(written.code, 0, written.output);
  });

  it('reads the same values from a YAML file, flags overriding it', async () => {
    const layout = nodeLayout();
    const entries = values('backup', layout);
    const yaml = join(layout.dir, 'node.yaml');
    writeFileSync(
      yaml,
      Object.entries({ ...entries, 'auth-pass': 'other' })
        .map(([key, value]) => `${key}: "${value}"`)
        .join('\n'),
    );
    const fromFile = await inNamespace([
      'deploy',
      'render',
      '--file',
      yaml,
      '--auth-pass',
      'gwtest01',
      '--json',
    ]);
    const fromFlags = await inNamespace(['deploy', 'render', ...flags(entries), '--json']);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(
      (JSON.parse(fromFile.stdout) as RenderJson).files,
      (JSON.parse(fromFlags.stdout) as RenderJson).files,
    );
  });

  it('refuses to write a file keepalived -t rejects (an interface the host lacks)', async () => {
    const layout = nodeLayout();
    const run = await inNamespace([
      'deploy',
      'render',
      ...flags({ ...values('master', layout), interface: 'nosuch0' }),
      '--out',
      layout.out,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /keepalived -t rejects the file/);
    assert.match(run.stderr, /nosuch0/);
    assert.equal(existsSync(join(layout.out, 'keepalived.conf')), false, 'nothing written');
  });

  it('names every bad value and exits 2', async () => {
    const layout = nodeLayout();
    const run = await inNamespace([
      'deploy',
      'render',
      ...flags({
        ...values('master', layout),
        'peer-ip': '10.249.0.2',
        'auth-pass': 'much-too-long',
        'pid-file': 'relative/nginx.pid',
        listen: '80; include /etc/passwd',
      }),
    ]);
    assert.equal(run.code, 2, run.stderr);
    for (const field of ['--peer-ip', '--auth-pass', '--pid-file', '--listen'])
      assert.match(run.stderr, new RegExp(field));
  });
});
