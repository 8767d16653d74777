import type { SshEndpointData } from '@gateway/shared';

/** `user@host:port` of an SSH endpoint, as messages name it. */
export function target(endpoint: SshEndpointData): string {
  return `${endpoint.user}@${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}
