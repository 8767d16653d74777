import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ADVERT_INT, withAdvertInterval } from './vrrp-timing.js';

const SHIPPED = `global_defs {
    router_id gateway_master
}

vrrp_instance gateway_vip {
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass secret
    }
    virtual_ipaddress {
        10.0.0.200/24 dev eth0
    }
}
`;

describe('the VRRP advert interval of a rendered keepalived config', () => {
  it('keeps the shipped config as it is at 1 s', () => {
    assert.equal(withAdvertInterval(SHIPPED, '1'), SHIPPED);
  });

  it('sets whole seconds and keeps VRRPv2 with its authentication', () => {
    const conf = withAdvertInterval(SHIPPED, '2');
    assert.match(conf, /^ {4}advert_int 2$/m);
    assert.match(conf, /auth_type PASS/);
    assert.doesNotMatch(conf, /vrrp_version/);
  });

  it('a sub-second interval switches to VRRPv3, without the authentication block', () => {
    const conf = withAdvertInterval(SHIPPED, '0.1');
    assert.match(conf, /^ {4}router_id gateway_master\n {4}vrrp_version 3$/m);
    assert.match(conf, /^ {4}advert_int 0\.1$/m);
    assert.doesNotMatch(conf, /authentication|auth_pass/);
    assert.match(conf, /virtual_ipaddress \{\n {8}10\.0\.0\.200\/24 dev eth0\n {4}\}/);
  });

  it('refuses a template it cannot set the interval in', () => {
    assert.throws(() => withAdvertInterval(SHIPPED.replace('advert_int 1', 'advert_int 3'), '0.5'));
  });

  it('accepts 0.1-0.9 s and 1-255 s only', () => {
    for (const good of ['0.1', '0.5', '0.9', '1', '3', '255']) assert.match(good, ADVERT_INT);
    for (const bad of ['0', '0.05', '0.10', '1.5', '256', '-1', ''])
      assert.doesNotMatch(bad, ADVERT_INT);
  });
});
