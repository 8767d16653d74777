import type { NodeSpecData } from './node.js';
import { checkNodeSpec } from './node-spec-rules.js';

/**
 * Decodes and re-validates one stored node (`nginx:gateway:nodes` field `ip`), so an
 * entry written by hand or by an older version is never used unchecked. Throws when
 * it is invalid or holds another node's spec.
 */
export function decodeStoredNode(ip: string, json: string): NodeSpecData {
  const raw = JSON.parse(json) as NodeSpecData;
  const spec = checkNodeSpec(
    {
      ip: raw.ip,
      healthUrl: raw.healthUrl,
      ssh: {
        host: raw.ssh.host,
        port: raw.ssh.port,
        user: raw.ssh.user,
        hostKey: raw.ssh.hostKey ?? '',
      },
      configPath: raw.configPath,
      label: raw.label ?? '',
    },
    `nodes[${ip}]`,
  );
  if (spec.ip !== ip) throw new Error(`node ${ip} holds the spec of ${spec.ip}`);
  return spec;
}
