import { isIPv4, isIPv6 } from 'node:net';
import { FieldViolation } from '../validation/field-violation.js';
import { hostForAddress, normalizeHost } from '../validation/host.js';
import {
  requireIntegerInRange,
  requireMaxLength,
  requireNonEmpty,
  requirePrintable,
} from '../validation/text-rules.js';
import type { NodeSpecData } from './node.js';
import { sshPublicKeyProblem } from './ssh-public-key.js';

const SSH_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const HOST_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521) [A-Za-z0-9+/]+={0,3}$/;
const CONFIG_PATH = /^(\/[A-Za-z0-9._-]+)+\.conf$/;

/** The raw fields of a node, before validation (empty strings and 0 mean defaults). */
export type NodeSpecInput = {
  ip: string;
  healthUrl: string;
  ssh: { host: string; port: number; user: string; hostKey: string };
  configPath: string;
  label: string;
};

/** Canonical form of a node ip (IPv4, or IPv6 compressed), or a violation naming `field`. */
export function normalizeNodeIp(field: string, ip: string): string {
  requireMaxLength(field, ip, 64);
  requireNonEmpty(field, ip);
  if (!isIPv4(ip) && !(isIPv6(ip) && !ip.includes('%'))) {
    throw new FieldViolation(
      field,
      'must be an IPv4 or IPv6 address (a node is identified by its ip)',
    );
  }
  return normalizeHost(field, ip);
}

/**
 * Validates a node of the inventory and fills defaults: health URL
 * `http://<ip>/healthz`, SSH to the node's ip on port 22. The health URL's host must
 * be the node's ip, so a probe can never be pointed elsewhere.
 */
export function checkNodeSpec(input: NodeSpecInput, prefix: string): NodeSpecData {
  const ip = normalizeNodeIp(`${prefix}.ip`, input.ip);
  const healthUrl = checkHealthUrl(
    `${prefix}.health_url`,
    input.healthUrl || `http://${hostForAddress(ip)}/healthz`,
    ip,
  );

  requireMaxLength(`${prefix}.ssh.host`, input.ssh.host, 253);
  const sshHost = input.ssh.host === '' ? ip : normalizeHost(`${prefix}.ssh.host`, input.ssh.host);
  const sshPort = input.ssh.port === 0 ? 22 : input.ssh.port;
  requireIntegerInRange(`${prefix}.ssh.port`, sshPort, 1, 65535);
  requireMaxLength(`${prefix}.ssh.user`, input.ssh.user, 32);
  requireNonEmpty(`${prefix}.ssh.user`, input.ssh.user);
  if (!SSH_USER.test(input.ssh.user)) {
    throw new FieldViolation(
      `${prefix}.ssh.user`,
      'must be a login name: lower-case letters, digits, "_" or "-", at most 32',
    );
  }
  requireMaxLength(`${prefix}.ssh.host_key`, input.ssh.hostKey, 8192);
  if (input.ssh.hostKey !== '' && !HOST_KEY.test(input.ssh.hostKey.trim())) {
    throw new FieldViolation(
      `${prefix}.ssh.host_key`,
      'must be an OpenSSH public key line "<type> <base64>" (no comment)',
    );
  }
  if (input.ssh.hostKey !== '') {
    const [type, base64] = input.ssh.hostKey.trim().split(' ') as [string, string];
    const problem = sshPublicKeyProblem(type, base64);
    if (problem)
      throw new FieldViolation(`${prefix}.ssh.host_key`, `is not a usable host key: ${problem}`);
  }

  requireMaxLength(`${prefix}.config_path`, input.configPath, 256);
  requireNonEmpty(`${prefix}.config_path`, input.configPath);
  if (
    !CONFIG_PATH.test(input.configPath) ||
    input.configPath.split('/').some((part) => part === '..' || part === '.')
  ) {
    throw new FieldViolation(
      `${prefix}.config_path`,
      'must be an absolute path of letters, digits, ".", "_", "-" ending in .conf, without . or .. segments',
    );
  }
  requireMaxLength(`${prefix}.label`, input.label, 64);
  requirePrintable(`${prefix}.label`, input.label);

  return {
    ip,
    healthUrl,
    ssh: {
      host: sshHost,
      port: sshPort,
      user: input.ssh.user,
      ...(input.ssh.hostKey !== '' ? { hostKey: input.ssh.hostKey.trim() } : {}),
    },
    configPath: input.configPath,
    label: input.label,
  };
}

function checkHealthUrl(field: string, text: string, ip: string): string {
  requireMaxLength(field, text, 512);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FieldViolation(field, 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FieldViolation(field, 'must be http:// or https://');
  if (url.username || url.password) throw new FieldViolation(field, 'must not carry credentials');
  if (url.hostname !== hostForAddress(ip)) {
    throw new FieldViolation(
      field,
      `must point at the node itself (host ${hostForAddress(ip)}), not ${url.hostname}`,
    );
  }
  if (url.hash) throw new FieldViolation(field, 'must not have a #fragment');
  return url.toString();
}
