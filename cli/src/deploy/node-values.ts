import { isIPv4 } from 'node:net';
import { SAFE_VALUE } from './deploy-template.js';
import { ADVERT_INT, isSubSecond } from './vrrp-timing.js';

export type Role = 'master' | 'backup';

/** Everything that varies between two gateway nodes' keepalived, nginx and apply configs. */
export type NodeValues = {
  readonly role: Role;
  readonly selfIp: string;
  readonly peerIp: string;
  /** "<vip>/<prefix>" */
  readonly vipCidr: string;
  readonly interface: string;
  /** VRRP PASS secret, 1-8 characters, the same on both nodes (unused with sub-second adverts: VRRPv3). */
  readonly authPass: string;
  /** VRRP advert interval in seconds: 1-255 (VRRPv2), or 0.1-0.9 (VRRPv3, no authentication). */
  readonly advertInt: string;
  readonly routerId: string;
  readonly scriptUser: string;
  readonly scriptDir: string;
  readonly stateDir: string;
  readonly healthUrl: string;
  readonly nginxConf: string;
  readonly pidFile: string;
  readonly logDir: string;
  readonly tempDir: string;
  readonly upstreamsFile: string;
  readonly listen: string;
  readonly nginxBinary: string;
  readonly applyStateDir: string;
  readonly confirmTimeout: string;
  readonly maxBytes: string;
};

/** The values docs/deployment.md recommends; the addresses, interface and secret have none. */
export const NODE_DEFAULTS = {
  scriptUser: 'keepalived_script',
  scriptDir: '/etc/keepalived/gateway',
  stateDir: '/run/gateway-vrrp',
  healthUrl: 'http://127.0.0.1/healthz',
  nginxConf: '/etc/nginx/nginx.conf',
  pidFile: '/run/nginx.pid',
  logDir: '/var/log/nginx',
  tempDir: '/var/lib/nginx',
  upstreamsFile: '/etc/nginx/gateway/gateway-upstreams.conf',
  listen: '80',
  nginxBinary: '/usr/sbin/nginx',
  applyStateDir: '/var/lib/gateway-push',
  confirmTimeout: '10',
  maxBytes: '4194304',
  advertInt: '1',
} as const satisfies Partial<Record<keyof NodeValues, string>>;

export type NodeValueInput = Partial<Record<keyof NodeValues, string>>;

/** One value that cannot go into a node's config: the field (as the flag names it) and why. */
export type ValueProblem = { readonly field: string; readonly message: string };

const ABSOLUTE_PATH = /^(\/[A-Za-z0-9._-]+)+$/;
const INTERFACE = /^[A-Za-z0-9_.:-]{1,15}$/;
const NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const ROUTER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Flag names of the fields, for messages: selfIp → self-ip. */
export function flagName(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * Checks every value (the checks the test harness and the apply script make) and
 * fills the defaults: either the complete values or every problem found.
 */
export function validateNodeValues(
  input: NodeValueInput,
): { ok: true; values: NodeValues } | { ok: false; problems: ValueProblem[] } {
  const problems: ValueProblem[] = [];
  const problem = (field: keyof NodeValues, message: string) =>
    problems.push({ field: flagName(field), message });
  const role = input.role;
  if (role !== 'master' && role !== 'backup') problem('role', 'must be "master" or "backup"');
  const merged = { ...NODE_DEFAULTS, routerId: role ? `gateway_${role}` : '', ...input };
  const subSecond = ADVERT_INT.test(merged.advertInt) && isSubSecond(merged.advertInt);
  // VRRPv3 (sub-second adverts) has no authentication: no secret to ask for.
  const required: readonly ('selfIp' | 'peerIp' | 'vipCidr' | 'interface' | 'authPass')[] = [
    'selfIp',
    'peerIp',
    'vipCidr',
    'interface',
    ...(subSecond ? [] : (['authPass'] as const)),
  ];
  for (const field of required) if (!merged[field]) problem(field, 'is required');
  if (!ADVERT_INT.test(merged.advertInt))
    problem('advertInt', 'must be whole seconds 1-255, or 0.1-0.9 (VRRPv3)');
  for (const [field, value] of Object.entries(merged)) {
    if (value && !SAFE_VALUE.test(value))
      problem(field as keyof NodeValues, 'may hold only letters, digits and . _ : / @ + = , -');
  }
  const { selfIp, peerIp, vipCidr } = merged;
  if (selfIp && !isIPv4(selfIp)) problem('selfIp', 'must be an IPv4 address');
  if (peerIp && !isIPv4(peerIp)) problem('peerIp', 'must be an IPv4 address');
  if (selfIp && selfIp === peerIp) problem('peerIp', 'must differ from self-ip');
  if (vipCidr) {
    const [vip, prefix, extra] = vipCidr.split('/');
    if (
      extra !== undefined ||
      !vip ||
      !isIPv4(vip) ||
      !/^\d{1,2}$/.test(prefix ?? '') ||
      Number(prefix) > 32
    )
      problem('vipCidr', 'must be <IPv4>/<prefix 0-32>, e.g. 10.0.0.200/24');
    else if (vip === selfIp || vip === peerIp)
      problem('vipCidr', 'the VIP must differ from both node addresses');
  }
  if (merged.interface && !INTERFACE.test(merged.interface))
    problem('interface', 'must be an interface name (1-15 letters, digits, _ . : -)');
  if (merged.authPass && !/^[A-Za-z0-9._:/@+=,-]{1,8}$/.test(merged.authPass))
    problem('authPass', 'must be 1-8 characters (VRRP PASS authentication uses at most 8)');
  if (!ROUTER_ID.test(merged.routerId)) problem('routerId', 'must be 1-64 letters, digits, _ . -');
  if (!NAME.test(merged.scriptUser)) problem('scriptUser', 'must be a user name');
  for (const field of [
    'scriptDir',
    'stateDir',
    'pidFile',
    'logDir',
    'tempDir',
    'nginxBinary',
    'applyStateDir',
    'nginxConf',
  ] as const)
    if (!ABSOLUTE_PATH.test(merged[field])) problem(field, 'must be an absolute path');
  if (!/^(\/[A-Za-z0-9._-]+)+\.conf$/.test(merged.upstreamsFile))
    problem(
      'upstreamsFile',
      'must be an absolute path ending in .conf (the apply script demands it)',
    );
  if (!isHttpUrl(merged.healthUrl)) problem('healthUrl', 'must be an http(s) URL');
  if (!isListen(merged.listen)) problem('listen', 'must be a port or <IPv4>:<port>');
  if (!/^\d{1,3}$/.test(merged.confirmTimeout) || Number(merged.confirmTimeout) < 1)
    problem('confirmTimeout', 'must be whole seconds, 1-999');
  if (!/^\d{1,10}$/.test(merged.maxBytes) || Number(merged.maxBytes) < 1024)
    problem('maxBytes', 'must be a number of bytes, at least 1024');
  if (problems.length > 0 || (role !== 'master' && role !== 'backup'))
    return { ok: false, problems };
  const {
    selfIp: self = '',
    peerIp: peer = '',
    vipCidr: vip = '',
    interface: device = '',
    authPass = '',
  } = merged;
  return {
    ok: true,
    values: {
      ...merged,
      role,
      selfIp: self,
      peerIp: peer,
      vipCidr: vip,
      interface: device,
      authPass,
    },
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isListen(text: string): boolean {
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(text);
  if (!match) return false;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 && (match[1] === undefined || isIPv4(match[1]));
}
