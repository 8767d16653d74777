import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { fillTemplate, renderDeployTemplate } from './deploy-template.js';
import { validateNodeValues } from './node-values.js';
import { fillApplyConf, renderNodeFiles } from './render-node.js';

describe('template filling', () => {
  it('replaces every placeholder and refuses a missing, an unused or a structure-changing value', () => {
    assert.equal(fillTemplate('t', 'listen {{PORT}};', { PORT: '80' }), 'listen 80;');
    assert.throws(() => fillTemplate('t', 'listen {{PORT}};', {}), /no value for \{\{PORT\}\}/);
    assert.throws(
      () => fillTemplate('t', 'x', { PORT: '80' }),
      /placeholders it does not have: PORT/,
    );
    assert.throws(
      () => fillTemplate('t', 'pid {{P}};', { P: '/x; include /etc/passwd' }),
      /not a plain address or path/,
    );
  });

  it('renders the shipped nginx.conf (and refuses an incomplete set of values)', () => {
    assert.throws(
      () => renderDeployTemplate('nginx/nginx.conf', { PID_FILE: '/p' }),
      /no value for/,
    );
  });

  it('sets each apply.conf line and fails when the example lacks a setting', () => {
    const text = '# c\nLIVE_FILE=/a.conf\nPID_FILE=/run/x.pid\n';
    assert.equal(
      fillApplyConf(text, { LIVE_FILE: '/b.conf' }),
      '# c\nLIVE_FILE=/b.conf\nPID_FILE=/run/x.pid\n',
    );
    assert.throws(() => fillApplyConf(text, { MAX_BYTES: '1' }), /no line for MAX_BYTES/);
  });
});

describe("a node's three files", () => {
  it('agree with each other: the apply config names the nginx pid file and upstream file', () => {
    const checked = validateNodeValues({
      role: 'backup',
      selfIp: '10.0.0.101',
      peerIp: '10.0.0.100',
      vipCidr: '10.0.0.200/24',
      interface: 'ens3',
      authPass: 'pw',
      pidFile: '/run/gw-nginx.pid',
    });
    assert.ok(checked.ok);
    const files = renderNodeFiles(checked.values);
    assert.match(files.keepalived, /state BACKUP/);
    assert.match(files.keepalived, /unicast_src_ip 10\.0\.0\.101/);
    assert.match(files.keepalived, /10\.0\.0\.200\/24 dev ens3/);
    assert.match(files.nginx, /^pid \/run\/gw-nginx\.pid;/m);
    assert.match(files.nginx, /include \/etc\/nginx\/gateway\/gateway-upstreams\.conf;/);
    assert.match(files.apply, /^PID_FILE=\/run\/gw-nginx\.pid$/m);
    assert.match(files.apply, /^LIVE_FILE=\/etc\/nginx\/gateway\/gateway-upstreams\.conf$/m);
    assert.match(files.apply, /^NGINX_ARGS=-c \/etc\/nginx\/nginx\.conf$/m);
  });
});
