import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  DEPLOY_DIR,
  createTestNetwork,
  keepalivedConfigTest,
  keepalivedVersion,
  nodeNginxConfigTest,
  prepareKeepalivedFiles,
  prepareNodeNginxFiles,
  renderDeployTemplate,
  type KeepalivedRole,
  type Namespace,
  type TestNetwork,
} from '@gateway/testkit';

const ROLES: readonly KeepalivedRole[] = ['master', 'backup'];

function keepalivedOptions(role: KeepalivedRole, scriptUser = 'nobody') {
  return {
    role,
    selfIp: role === 'master' ? '10.249.0.2' : '10.249.0.3',
    peerIp: role === 'master' ? '10.249.0.3' : '10.249.0.2',
    vipCidr: '10.249.0.10/28',
    interface: 'eth0',
    scriptUser,
  };
}

/** keepalived 2.2.7 terminates itself (SIGTERM, no message) in -t mode when script_user is not root (fixed in 2.2.8). */
function hasConfigTestScriptUserBug(): boolean {
  const [major, minor, patch] = keepalivedVersion();
  return major === 2 && (minor < 2 || (minor === 2 && patch < 8));
}

describe('deploy/nginx/nginx.conf: nginx -t on the shipped file', () => {
  it('passes with the placeholder upstream file a node is installed with', () => {
    const files = prepareNodeNginxFiles();
    const result = nodeNginxConfigTest(files);
    assert.ok(result.ok, result.output);
    assert.match(result.output, /test is successful/);
  });

  it('passes with a rendered upstream file of two groups, and its access log records upstream address and time', () => {
    const files = prepareNodeNginxFiles({ listen: '127.0.0.1:18080' });
    writeFileSync(
      files.upstreamsPath,
      [
        'upstream gateway_backend {',
        '    server 10.249.0.1:8081 weight=1 max_fails=1 fail_timeout=10s;',
        '    server 10.249.0.1:8082 weight=2;',
        '}',
        'upstream orders {',
        '    server 10.249.0.1:8083;',
        '    server 10.249.0.1:8084 backup;',
        '}',
        'map $http_x_gateway_group $gateway_upstream {',
        '    default gateway_backend;',
        '    orders orders;',
        '}',
        '',
      ].join('\n'),
    );
    const result = nodeNginxConfigTest(files);
    assert.ok(result.ok, result.output);
    const conf = readFileSync(files.confPath, 'utf8');
    assert.match(conf, /\$upstream_addr/);
    assert.match(conf, /\$upstream_response_time/);
    assert.match(conf, /location = \/healthz/);
    assert.match(conf, new RegExp(`include ${files.upstreamsPath};`));
  });

  it('fails (so the test can fail) when the included file has an empty upstream', () => {
    const files = prepareNodeNginxFiles();
    writeFileSync(
      files.upstreamsPath,
      'upstream gateway_backend {\n}\nmap $http_x_gateway_group $gateway_upstream { default gateway_backend; }\n',
    );
    const result = nodeNginxConfigTest(files);
    assert.equal(result.ok, false);
    assert.match(result.output, /no servers are inside upstream/);
  });
});

describe('deploy/keepalived: keepalived -t on the shipped master and backup configs', () => {
  // keepalived checks that the VRRP interface exists: test in a namespace that has one.
  let network: TestNetwork;
  let ns: Namespace;
  beforeAll(() => {
    network = createTestNetwork();
    ns = network.addNamespace('kconf', 2);
  });
  afterAll(() => network?.teardown());

  for (const role of ROLES) {
    it(`${role}: passes as shipped (unprivileged script_user), and with every script check enabled`, () => {
      const files = prepareKeepalivedFiles(keepalivedOptions(role));
      const shipped = keepalivedConfigTest(files.confPath, ns);
      if (hasConfigTestScriptUserBug()) {
        // keepalived#2587/#2617: parsing ran, then the test process killed itself; any
        // parse error would have been printed before that.
        assert.ok(
          shipped.code === 0 || (shipped.signal === 'SIGTERM' && shipped.output === ''),
          `keepalived -t: ${JSON.stringify(shipped)}`,
        );
      } else {
        assert.equal(shipped.code, 0, shipped.output);
      }
      // The same file with the scripts run as root gets past that bug on every version:
      // parsing AND the script security checks must then pass without a word.
      const asRoot = prepareKeepalivedFiles(keepalivedOptions(role, 'root'));
      const checked = keepalivedConfigTest(asRoot.confPath, ns);
      assert.deepEqual({ code: checked.code, output: checked.output }, { code: 0, output: '' });
    });
  }

  it('a broken config fails keepalived -t (so the test can fail)', () => {
    const files = prepareKeepalivedFiles(keepalivedOptions('master', 'root'));
    writeFileSync(
      files.confPath,
      readFileSync(files.confPath, 'utf8').replace('advert_int 1', 'advert_intt 1'),
    );
    const result = keepalivedConfigTest(files.confPath, ns);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /advert_intt/);
  });

  it('the check really moves the VIP: tracked without a weight (FAULT), or a weight above the priority gap', () => {
    const configs = Object.fromEntries(
      ROLES.map((role) => [
        role,
        readFileSync(join(DEPLOY_DIR, 'keepalived', `keepalived-${role}.conf`), 'utf8'),
      ]),
    );
    const priority = (text: string) => Number(/^\s*priority (\d+)/m.exec(text)?.[1]);
    const gap = priority(configs['master']) - priority(configs['backup']);
    assert.ok(gap > 0, 'the master has the higher priority');
    for (const role of ROLES) {
      const text = configs[role];
      const script = /vrrp_script chk_nginx \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
      const weight = /^\s*weight (-?\d+)/m.exec(script)?.[1];
      if (weight !== undefined)
        assert.ok(
          Math.abs(Number(weight)) > gap,
          `${role}: |weight| ${weight} must exceed the priority gap ${gap}`,
        );
      assert.match(text, /track_script \{\s*chk_nginx\s*\}/);
      assert.match(text, /unicast_peer \{\s*\{\{PEER_IP\}\}\s*\}/);
      assert.match(text, /unicast_src_ip \{\{SELF_IP\}\}/);
      assert.match(text, /enable_script_security/);
      assert.match(text, /script_user \{\{SCRIPT_USER\}\}/);
      assert.match(text, /notify_fifo /);
      assert.match(text, /auth_type PASS/);
      assert.match(script, /interval 1\b/);
      assert.match(script, /fall \d+/);
      assert.match(script, /rise \d+/);
    }
    // Only the role's own lines differ between the two files.
    const strip = (text: string) => text.replace(/master|backup|MASTER|BACKUP|priority \d+/g, '');
    assert.equal(strip(configs['master']), strip(configs['backup']));
  });

  it('the template renderer refuses a value that could change the structure of a config', () => {
    assert.throws(
      () =>
        renderDeployTemplate('nginx/nginx.conf', {
          PID_FILE: '/x; include /etc/passwd',
          LOG_DIR: '/l',
          TEMP_DIR: '/t',
          UPSTREAMS_FILE: '/u.conf',
          LISTEN: '80',
        }),
      /not a plain address or path/,
    );
    assert.throws(
      () => renderDeployTemplate('nginx/nginx.conf', { PID_FILE: '/p' }),
      /no value for/,
    );
  });
});
