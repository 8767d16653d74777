import { TemplateError } from './deploy-template.js';

/** `advert_int` values gatewayctl renders: whole seconds 1-255 (VRRPv2), or 0.1-0.9 s (VRRPv3). */
export const ADVERT_INT = /^(?:0\.[1-9]|[1-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$/;

/** True for a sub-second advert interval, which needs VRRPv3 (VRRPv2 counts whole seconds). */
export function isSubSecond(advertInt: string): boolean {
  return advertInt.startsWith('0.');
}

/**
 * The shipped keepalived config (VRRPv2, `advert_int 1`, PASS authentication) with the
 * advert interval `advertInt`. A sub-second one switches to VRRPv3 (`vrrp_version 3` in
 * global_defs) and drops the `authentication` block, which VRRPv3 does not have: protect
 * VRRP with the network instead (docs/deployment.md, "Faster failover"). A dead master is
 * noticed after 3 × advert_int + skew ((256 − priority) / 256 × advert_int).
 */
export function withAdvertInterval(conf: string, advertInt: string): string {
  if (advertInt === '1') return conf;
  if (!/^\s*advert_int 1$/m.test(conf))
    throw new TemplateError('keepalived template: no "advert_int 1" line to set');
  const timed = conf.replace(/^(\s*)advert_int 1$/m, `$1advert_int ${advertInt}`);
  if (!isSubSecond(advertInt)) return timed;
  if (!/^(\s*)router_id .*$/m.test(timed) || !/^\s*authentication \{[^}]*\}\n/m.test(timed))
    throw new TemplateError('keepalived template: no router_id line or authentication block');
  return timed
    .replace(/^(\s*)(router_id .*)$/m, '$1$2\n$1vrrp_version 3')
    .replace(/^\s*authentication \{[^}]*\}\n/m, '');
}
