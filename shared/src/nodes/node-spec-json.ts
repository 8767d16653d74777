import type { NodeSpecData } from './node.js';

/** The stored form of a node (`nginx:gateway:nodes` field value): JSON with a fixed key order. */
export function nodeSpecJson(spec: NodeSpecData): string {
  return JSON.stringify({
    ip: spec.ip,
    healthUrl: spec.healthUrl,
    ssh: {
      host: spec.ssh.host,
      port: spec.ssh.port,
      user: spec.ssh.user,
      ...(spec.ssh.hostKey !== undefined ? { hostKey: spec.ssh.hostKey } : {}),
    },
    configPath: spec.configPath,
    label: spec.label,
  });
}
